"""Decoupled knowledge distillation (Zhao, Cui, Song, Qiu & Liang, "Decoupled Knowledge Distillation", CVPR 2022),
written from the paper.

§3.1 splits the classical KD loss of a sample with target class t, at temperature T, into
- binary probabilities b = [p_t, p_\\t]: p_t = softmax(z/T)_t and p_\\t = 1 − p_t (target vs all other classes);
- the distribution among the non-target classes p̂_i = exp(z_i/T) / Σ_{j ≠ t} exp(z_j/T), i ≠ t;
so that KD = KL(b^T ‖ b^S) + (1 − p_t^T) · KL(p̂^T ‖ p̂^S) = TCKD + (1 − p_t^T) · NCKD, with
    TCKD = KL(b^T ‖ b^S)         (target class knowledge distillation)
    NCKD = KL(p̂^T ‖ p̂^S)         (non-target class knowledge distillation).
§3.2 decouples the two weights: DKD = α · TCKD + β · NCKD, with α = 1, β = 8 and T = 4 on CIFAR-100.

Like classical KD, each term is multiplied by T² and averaged over the batch. The authors' training also ramps the
DKD term up linearly over the first 20 epochs (warm_up_factor below); epochs are counted from 0 here, so epoch e
trains at min((e + 1) / 20, 1): 1/20 in the first epoch, full weight from the 20th on.
"""

import numpy as np

ALPHA = 1.0
BETA = 8.0
TEMPERATURE = 4.0
WARMUP_EPOCHS = 20


def softmax(v):
    e = np.exp(v - np.max(v))
    return e / np.sum(e)


def kl(p, q):
    return float(sum(pi * np.log(pi / qi) for pi, qi in zip(p, q)))


def decoupled_terms(student_logits, teacher_logits, target, temperature=TEMPERATURE):
    """(TCKD, NCKD, p_t of the teacher) of one sample."""
    ps = softmax(np.asarray(student_logits) / temperature)
    pt = softmax(np.asarray(teacher_logits) / temperature)
    b_s = [ps[target], 1.0 - ps[target]]
    b_t = [pt[target], 1.0 - pt[target]]
    others = [i for i in range(len(ps)) if i != target]
    hat_s = softmax(np.asarray([student_logits[i] for i in others]) / temperature)
    hat_t = softmax(np.asarray([teacher_logits[i] for i in others]) / temperature)
    return kl(b_t, b_s), kl(hat_t, hat_s), pt[target]


def dkd_loss(student_logits, teacher_logits, labels, alpha=ALPHA, beta=BETA, temperature=TEMPERATURE):
    """T² · (α · TCKD + β · NCKD), mean over the batch."""
    total = 0.0
    for s, t, y in zip(student_logits, teacher_logits, labels):
        tckd, nckd, _ = decoupled_terms(s, t, y, temperature)
        total += alpha * tckd + beta * nckd
    return temperature ** 2 * total / len(labels)


def classical_kd_from_terms(student_logits, teacher_logits, labels, temperature=TEMPERATURE):
    """T² · mean(TCKD + (1 − p_t^T) · NCKD): §3.1's reformulation, equal to the classical KD loss."""
    total = 0.0
    for s, t, y in zip(student_logits, teacher_logits, labels):
        tckd, nckd, teacher_target = decoupled_terms(s, t, y, temperature)
        total += tckd + (1 - teacher_target) * nckd
    return temperature ** 2 * total / len(labels)


def warm_up_factor(epoch, warmup_epochs=WARMUP_EPOCHS):
    """The DKD term's weight factor in epoch `epoch` (counted from 0)."""
    return min((epoch + 1) / warmup_epochs, 1.0)
