"""Relational knowledge distillation (Park, Kim, Lu & Cho, "Relational Knowledge Distillation", CVPR 2019), written
from the paper: the distance-wise and angle-wise losses of §3.2 on embeddings of a batch.

Tuples (§3.1): χ² is the set of ordered pairs of distinct examples of the batch, χ³ the set of ordered triplets of
distinct examples.

Distance-wise (§3.2.1): the potential ψ_D(t_i, t_j) = ‖t_i − t_j‖₂ / μ, normalised by the mean distance of the batch
μ = (1/|χ²|) Σ_{(i,j) ∈ χ²} ‖t_i − t_j‖₂ (each side by its own μ), and
    L_RKD-D = Σ_{(i,j) ∈ χ²} l_δ(ψ_D(t_i, t_j), ψ_D(s_i, s_j))
with the Huber loss l_δ(x, y) = ½ (x − y)² if |x − y| ≤ 1, else |x − y| − ½.

Angle-wise (§3.2.2): the potential is the cosine of the angle at the middle example,
    ψ_A(t_i, t_j, t_k) = ⟨e^{ij}, e^{kj}⟩,   e^{ij} = (t_i − t_j) / ‖t_i − t_j‖₂,
    L_RKD-A = Σ_{(i,j,k) ∈ χ³} l_δ(ψ_A(t_i, t_j, t_k), ψ_A(s_i, s_j, s_k)).

Total: λ_D · L_RKD-D + λ_A · L_RKD-A with the paper's weights for image classification, λ_D = 25 and λ_A = 50.

Reduction: each sum is divided by the number of its tuples, |χ²| = N(N−1) and |χ³| = N(N−1)(N−2), so the loss does
not grow with the batch size. The authors' implementation also averages, over all N² pairs and N³ triplets including
the ones with a repeated example (whose loss is zero), which is smaller by the factors (N−1)/N and (N−1)(N−2)/N²
(0.98 and 0.95 at N = 64); λ_D = 25 and λ_A = 50 were tuned with those means.
"""

import numpy as np

DISTANCE_WEIGHT = 25.0
ANGLE_WEIGHT = 50.0


def huber(x, y):
    """l_δ with δ = 1 (smooth L1)."""
    d = abs(x - y)
    return 0.5 * d * d if d <= 1 else d - 0.5


def pairs(n):
    return [(i, j) for i in range(n) for j in range(n) if i != j]


def triplets(n):
    return [(i, j, k) for i in range(n) for j in range(n) for k in range(n) if i != j and j != k and i != k]


def distance_potentials(e):
    n = e.shape[0]
    distance = {(i, j): float(np.sqrt(np.sum((e[i] - e[j]) ** 2))) for i, j in pairs(n)}
    mu = sum(distance.values()) / len(distance)
    return {pair: d / mu for pair, d in distance.items()}


def angle_potentials(e):
    def unit(v):
        return v / np.sqrt(np.sum(v * v))

    n = e.shape[0]
    return {(i, j, k): float(np.dot(unit(e[i] - e[j]), unit(e[k] - e[j]))) for i, j, k in triplets(n)}


def rkd_distance_loss(student, teacher):
    """L_RKD-D averaged over the ordered pairs of distinct examples."""
    psi_s = distance_potentials(student)
    psi_t = distance_potentials(teacher)
    return sum(huber(psi_s[pair], psi_t[pair]) for pair in psi_t) / len(psi_t)


def rkd_angle_loss(student, teacher):
    """L_RKD-A averaged over the ordered triplets of distinct examples."""
    psi_s = angle_potentials(student)
    psi_t = angle_potentials(teacher)
    return sum(huber(psi_s[triplet], psi_t[triplet]) for triplet in psi_t) / len(psi_t)


def rkd_loss(student, teacher, distance_weight=DISTANCE_WEIGHT, angle_weight=ANGLE_WEIGHT):
    """λ_D · L_RKD-D + λ_A · L_RKD-A for [N, d] student and teacher embeddings (the widths may differ)."""
    return distance_weight * rkd_distance_loss(student, teacher) + angle_weight * rkd_angle_loss(student, teacher)
