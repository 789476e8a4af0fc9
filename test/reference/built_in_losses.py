"""The built-in losses kl-divergence, cross-entropy and feature-mse, written from their definitions in
docs/loss-conventions.md. Their golden vectors (test/fixtures/golden/losses.json) were computed with PyTorch; the
generator's --check recomputes every one of them here, so that file stays verifiable without PyTorch.
"""

import numpy as np


def log_softmax(v):
    v = np.asarray(v, dtype=np.float64)
    m = np.max(v)
    return v - m - np.log(np.sum(np.exp(v - m)))


def kl_mean_over_batch(teacher_logits, student_logits, temperature):
    """(1/B) Σ_b KL(softmax(t_b/T) ‖ softmax(s_b/T))."""
    total = 0.0
    for t, s in zip(teacher_logits, student_logits):
        log_p = log_softmax(np.asarray(t) / temperature)
        log_q = log_softmax(np.asarray(s) / temperature)
        total += float(np.sum(np.exp(log_p) * (log_p - log_q)))
    return total / len(teacher_logits)


def cross_entropy_over_labeled(student_logits, labels):
    """Mean of −log softmax(s_b)[y_b] over the samples that have a label (label None = no label)."""
    terms = [-log_softmax(s)[y] for s, y in zip(student_logits, labels) if y is not None]
    return float(np.mean(terms))


def feature_mse(student_features, teacher_features):
    """Mean over all B × D elements of (f_s − f_t)²."""
    return float(np.mean((np.asarray(student_features) - np.asarray(teacher_features)) ** 2))
