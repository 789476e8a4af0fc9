"""Similarity-preserving knowledge distillation (Tung & Mori, "Similarity-Preserving Knowledge Distillation",
ICCV 2019), written from the paper.

§3: for a batch of b samples, Q is a layer's activation map reshaped to b × (h·w·c) (any width for a dense layer).
The pairwise similarities G̃ = Q · Qᵀ (b × b) are normalised row by row, G[i, :] = G̃[i, :] / ‖G̃[i, :]‖₂, for the
teacher's layer l and the student's layer l' alike, and
    L_SP = 1/b² · Σ_{(l, l') ∈ I} ‖ G_T^(l) − G_S^(l') ‖_F²
over the chosen layer pairs I. The paper trains on L_CE + γ · L_SP with γ = 3000 on CIFAR-10; γ is the loss weight,
not part of this term.
"""

import numpy as np


def similarity_matrix(activations):
    """G: the row-normalised Q·Qᵀ of one layer's batch of activations (first axis = batch)."""
    b = activations.shape[0]
    q = activations.reshape(b, -1)
    g = np.array([[float(np.dot(q[i], q[j])) for j in range(b)] for i in range(b)])
    return np.array([g[i] / np.sqrt(np.sum(g[i] * g[i])) for i in range(b)])


def similarity_preserving_loss(student_maps, teacher_maps):
    """Σ over the pairs (student_maps[j], teacher_maps[j]) of ‖G_T − G_S‖_F² / b²."""
    total = 0.0
    for student, teacher in zip(student_maps, teacher_maps):
        b = student.shape[0]
        diff = similarity_matrix(teacher) - similarity_matrix(student)
        total += float(np.sum(diff * diff)) / (b * b)
    return total
