"""Attention transfer, activation-based (Zagoruyko & Komodakis, "Paying More Attention to Attention: Improving the
Performance of Convolutional Neural Networks via Attention Transfer", ICLR 2017), written from the paper.

Attention map (§3.1): a spatial map F(A) of an activation tensor A with C channels over H × W positions. Of the
paper's mapping functions, the one its experiments use is F^p_sum(A) = Σ_c |A_c|^p with p = 2. Averaging over the
channels instead of summing (the authors' released code) gives the same map once it is L2-normalised below.

Loss, Eq. (2):
    L_AT = L(W_S, x) + β/2 · Σ_{j ∈ I} ‖ Q_S^j / ‖Q_S^j‖₂ − Q_T^j / ‖Q_T^j‖₂ ‖_p
where Q^j = vec(F(A^j)) is the j-th (student, teacher) pair of attention maps flattened over the H·W positions, and
the outer norm is ℓ2 (p = 2 in the paper's experiments). This module computes the distillation term only.

β and the distance (`distance`):
- 'squared' (default): Σ_j β_j/2 · (1 / (B · H_j·W_j)) · Σ_b ‖q̂_S − q̂_T‖₂². The common β = 1000 is meant for this form:
  §4.1 sets β to 10³ divided by the number of elements of the attention map and by the batch size, and the released
  implementation squares the distance; with both, β = 1000 weighs the term at about 0.1 of the cross-entropy.
- 'euclidean': Σ_j β_j/2 · (1 / B) · Σ_b ‖q̂_S − q̂_T‖₂, Eq. (2) as printed (the norm itself), averaged over the batch.

Maps are NHWC (batch, height, width, channels); a pair must share H and W, the channel counts may differ.
"""

import numpy as np


def attention_map(activations, p=2.0):
    """F^p_sum over the channels of one sample's (H, W, C) activations, flattened, divided by its L2 norm."""
    h, w, c = activations.shape
    q = np.zeros(h * w)
    for y in range(h):
        for x in range(w):
            q[y * w + x] = sum(abs(activations[y, x, k]) ** p for k in range(c))
    return q / np.sqrt(np.sum(q * q))


def attention_transfer_loss(student_maps, teacher_maps, betas, p=2.0, distance='squared'):
    """The distillation term of Eq. (2) over the layer pairs (student_maps[j], teacher_maps[j]), β_j per pair."""
    total = 0.0
    for student, teacher, beta in zip(student_maps, teacher_maps, betas):
        batch, h, w, _ = student.shape
        assert teacher.shape[1:3] == (h, w), 'a pair of attention maps must share H and W'
        per_sample = []
        for b in range(batch):
            diff = attention_map(student[b], p) - attention_map(teacher[b], p)
            squared = float(np.sum(diff * diff))
            per_sample.append(squared / (h * w) if distance == 'squared' else np.sqrt(squared))
        total += beta / 2 * np.mean(per_sample)
    return total
