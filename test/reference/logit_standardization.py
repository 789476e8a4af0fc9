"""Logit standardisation (Sun, Ren, Li, Wang & Cao, "Logit Standardization in Knowledge Distillation", CVPR 2024),
written from the paper.

§3 / Algorithm 1: before the softmax of a logit-based distillation loss, each sample's logits z (K classes) go through
the Z-score function
    Z(z; τ) = (z − mean(z)) / (σ(z) · τ),   mean(z) = (1/K) Σ_k z_k,   σ(z) = ((1/K) Σ_k (z_k − mean(z))²)^½,
for the teacher and the student separately, τ being a base temperature (2 in most of the authors' CIFAR-100 runs).
The student then matches the teacher's standardised logits' relations, not their magnitude. It applies to KD and
to DKD alike (the standardised logits replace the raw ones; τ replaces the KD temperature).

σ is the population standard deviation (1/K), as defined in the paper; ε = 1e-7 is added to it so a sample whose
logits are all equal does not divide by zero. The KD loss is multiplied by τ² and averaged over the batch, as
classical KD.
"""

import numpy as np

from dkd import dkd_loss

EPSILON = 1e-7
BASE_TEMPERATURE = 2.0


def standardize(logits, epsilon=EPSILON):
    """(z − mean(z)) / (σ(z) + ε) of one sample's logits."""
    z = np.asarray(logits, dtype=np.float64)
    mean = np.sum(z) / z.size
    sigma = np.sqrt(np.sum((z - mean) ** 2) / z.size)
    return (z - mean) / (sigma + epsilon)


def log_softmax(v):
    m = np.max(v)
    return v - m - np.log(np.sum(np.exp(v - m)))


def standardized_kd_loss(student_logits, teacher_logits, temperature=BASE_TEMPERATURE, epsilon=EPSILON):
    """τ² · mean over the batch of KL(softmax(Z(t)/τ) ‖ softmax(Z(s)/τ))."""
    total = 0.0
    for s, t in zip(student_logits, teacher_logits):
        log_q = log_softmax(standardize(s, epsilon) / temperature)
        log_p = log_softmax(standardize(t, epsilon) / temperature)
        total += float(np.sum(np.exp(log_p) * (log_p - log_q)))
    return temperature ** 2 * total / len(student_logits)


def standardized_dkd_loss(student_logits, teacher_logits, labels, alpha, beta, temperature, epsilon=EPSILON):
    """DKD on standardised logits, τ in the role of DKD's temperature."""
    standardized_s = [standardize(s, epsilon) for s in student_logits]
    standardized_t = [standardize(t, epsilon) for t in teacher_logits]
    return dkd_loss(standardized_s, standardized_t, labels, alpha, beta, temperature)
