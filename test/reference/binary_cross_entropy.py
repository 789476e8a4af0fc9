"""Binary cross-entropy of a sigmoid head against multi-label targets, written from its definition (the loss of
multi-label classification with independent sigmoid outputs; PyTorch calls it BCEWithLogitsLoss):

    ℓ(x, t) = −[ t · log σ(x) + (1 − t) · log(1 − σ(x)) ]

per class, averaged over the classes of a sample and then over the samples that have a label (mask 1). σ and its
logarithms are computed directly here (float64), not in the stable form the TypeScript code uses, so the two differ in
how they compute and agree only if both are right.
"""

import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def masked_binary_cross_entropy(studentLogits, targets, labelMask):
    """Mean over labelled samples of the mean over classes of ℓ(x, t); 0 when no sample is labelled."""
    logits = np.asarray(studentLogits, dtype=np.float64)
    targets = np.asarray(targets, dtype=np.float64)
    mask = np.asarray(labelMask, dtype=np.float64)
    p = sigmoid(logits)
    per_element = -(targets * np.log(p) + (1.0 - targets) * np.log(1.0 - p))
    per_sample = per_element.mean(axis=1)
    return float(np.sum(per_sample * mask) / max(np.sum(mask), 1.0))
