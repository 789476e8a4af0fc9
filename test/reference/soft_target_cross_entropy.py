"""Cross-entropy against soft targets — a class distribution per sample, as mixup (Zhang et al., ICLR 2018) and cutmix
(Yun et al., ICCV 2019) make by mixing two one-hot labels with weights λ and 1 − λ:

    ℓ(x, q) = −Σ_c q_c · log softmax(x)_c,    q = (1 − ε) · target + ε / C   (label smoothing ε, as in PyTorch)

averaged over the samples that have a label (mask 1); 0 when none has. softmax and its logarithm are computed
directly in float64 here, not in the log-sum-exp form tfjs uses.
"""

import numpy as np


def soft_target_cross_entropy(studentLogits, softTargets, labelMask, labelSmoothing=0.0):
    logits = np.asarray(studentLogits, dtype=np.float64)
    targets = np.asarray(softTargets, dtype=np.float64)
    mask = np.asarray(labelMask, dtype=np.float64)
    classes = logits.shape[1]
    q = (1.0 - labelSmoothing) * targets + labelSmoothing / classes
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    per_sample = -(q * np.log(p)).sum(axis=1)
    return float(np.sum(per_sample * mask) / max(np.sum(mask), 1.0))
