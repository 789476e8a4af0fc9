"""Probabilistic knowledge transfer (Passalis & Tefas, "Learning Deep Representations with Probabilistic Knowledge
Transfer", ECCV 2018), written from the paper.

§3: the teacher's and the student's representations of a batch each define conditional probabilities of choosing
sample i as a neighbour of sample j, estimated with a kernel K:
    p_{i|j} = K(t_i, t_j) / Σ_{k ≠ j} K(t_k, t_j)        (teacher)
    q_{i|j} = K(s_i, s_j) / Σ_{k ≠ j} K(s_k, s_j)        (student)
with the cosine-similarity kernel the paper proposes for knowledge transfer (it needs no bandwidth to tune):
    K_cos(a, b) = ½ · (aᵀb / (‖a‖₂ ‖b‖₂) + 1)   ∈ [0, 1].
The student minimises the Kullback–Leibler divergence between the two:
    L = Σ_i Σ_{j ≠ i} p_{j|i} · log(p_{j|i} / q_{j|i}).

ε: a small constant ε (1e-7) keeps the computation finite, as the paper's formulation requires in practice: the
vectors are divided by ‖x‖₂ + ε (a zero vector stays zero instead of dividing by zero), and the log ratio is
log((p + ε) / (q + ε)) (a probability that underflows to zero does not give log 0).

Reduction: the paper's L sums over the N anchors i of the batch; this is divided by N (the mean over the anchors, the
'batchmean' of distill's other divergences), so that the loss does not grow with the batch size. Multiply by N for
the paper's sum.
"""

import numpy as np

EPSILON = 1e-7


def cosine_kernel(a, b, epsilon=EPSILON):
    """K_cos(a, b) = ½ (cos(a, b) + 1), the vectors normalised by ‖x‖₂ + ε."""
    a_hat = a / (np.sqrt(np.sum(a * a)) + epsilon)
    b_hat = b / (np.sqrt(np.sum(b * b)) + epsilon)
    return 0.5 * (float(np.dot(a_hat, b_hat)) + 1.0)


def conditional_probabilities(features, epsilon=EPSILON):
    """P[i, j] = p_{i|j}: the kernel between samples i and j over the kernels of every other sample k ≠ j with j."""
    n = features.shape[0]
    kernel = np.array([[cosine_kernel(features[i], features[j], epsilon) for j in range(n)] for i in range(n)])
    probabilities = np.zeros((n, n))
    for j in range(n):
        normaliser = sum(kernel[k, j] for k in range(n) if k != j)
        for i in range(n):
            if i != j:
                probabilities[i, j] = kernel[i, j] / normaliser
    return probabilities


def pkt_loss(student, teacher, epsilon=EPSILON):
    """(1/N) Σ_i Σ_{j≠i} p_{j|i} log((p_{j|i} + ε) / (q_{j|i} + ε)) for [N, d] student and teacher features."""
    p = conditional_probabilities(teacher, epsilon)
    q = conditional_probabilities(student, epsilon)
    n = student.shape[0]
    total = 0.0
    for i in range(n):
        for j in range(n):
            if j != i:
                total += p[j, i] * np.log((p[j, i] + epsilon) / (q[j, i] + epsilon))
    return total / n
