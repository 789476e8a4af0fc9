"""Contrastive representation distillation (Tian, Krishnan & Isola, "Contrastive Representation Distillation",
ICLR 2020), written from the paper, with the memory bank and defaults of the authors' release.

§3.1: embedding heads g^S, g^T map the student's and the teacher's representations to a common d-dimensional space
(a linear layer followed by L2 normalisation), and a critic scores a (teacher, student) pair
    h(T, S) = exp(g^T(t)ᵀ g^S(s) / τ) / (exp(g^T(t)ᵀ g^S(s) / τ) + N / M),
N being the number of negatives per positive and M the number of samples in the data set (the noise distribution is
uniform over the data set, 1/M per sample, so N/M is N times the noise probability). The NCE objective the student
and both heads minimise is
    L_critic = − E_{positive pairs}[log h(T, S)] − N · E_{negative pairs}[log(1 − h(T, S))],
i.e. per anchor: − log h(positive) − Σ_{k=1..N} log(1 − h(negative k)), averaged over the batch.

Memory bank (§3.1, "a memory buffer"): the other side of each pair comes from a bank with one row per sample of the
data set, indexed by the sample's id, instead of from the current batch. The positive of sample i is row i; its N
negatives are rows of other samples (drawn at random by the caller; passed in here, for determinism). As released:
- the loss is symmetric: the student's embedding is the anchor against the teacher's bank, and the teacher's
  embedding against the student's bank; the two NCE losses are added;
- the exponentials are divided by a constant Z per direction, exp(·/τ)/Z, Z estimated once on the first batch as
  mean(exp(·/τ)) · M (so the scores estimate probabilities of the uniform noise's scale); Z = 1 is the bare formula;
- after each step the banks move towards the batch's embeddings: row_i ← normalise(m · row_i + (1 − m) · v_i),
  momentum m = 0.5, the student's embeddings into the student's bank and the teacher's into the teacher's;
- defaults: τ = 0.07, N = 16384 negatives, d = 128.

The teacher's network is frozen, but its embedding head g^T is trained with the loss: only the teacher's features
get no gradient.
"""

import numpy as np

TEMPERATURE = 0.07
MOMENTUM = 0.5


def l2_normalize(v):
    return v / np.sqrt(np.sum(v * v))


def embed(features, kernel, bias):
    """g(x) = normalise(x·W + b) for each row of features."""
    return np.array([l2_normalize(features[b] @ kernel + bias) for b in range(features.shape[0])])


def candidates(sample_ids, negative_indices):
    """Bank rows per anchor: the positive (the sample's own id) first, then its negatives."""
    return [[int(sample_ids[b])] + [int(k) for k in negative_indices[b]] for b in range(len(sample_ids))]


def scores(anchors, bank, rows, temperature, normalizer):
    """exp(bank[row]ᵀ anchor / τ) / Z for each anchor and each of its candidate rows."""
    return [[np.exp(float(bank[r] @ anchors[b]) / temperature) / normalizer for r in rows[b]] for b in range(len(rows))]


def nce_loss(anchor_scores, negatives, data_size):
    """− mean over anchors of [log h(positive) + Σ_k log(1 − h(negative k))], h = P / (P + N/M)."""
    noise = negatives / data_size
    total = 0.0
    for row in anchor_scores:
        positive, others = row[0], row[1:]
        total += np.log(positive / (positive + noise)) + sum(np.log(noise / (p + noise)) for p in others)
    return -total / len(anchor_scores)


def crd_loss(student_features, teacher_features, student_kernel, student_bias, teacher_kernel, teacher_bias,
             student_memory, teacher_memory, sample_ids, negative_indices, temperature=TEMPERATURE,
             student_normalizer=1.0, teacher_normalizer=1.0):
    """The symmetric CRD loss of one batch: student anchors against the teacher's bank plus the reverse."""
    v_s = embed(student_features, student_kernel, student_bias)
    v_t = embed(teacher_features, teacher_kernel, teacher_bias)
    rows = candidates(sample_ids, negative_indices)
    negatives = len(rows[0]) - 1
    data_size = student_memory.shape[0]
    student_anchor = scores(v_s, teacher_memory, rows, temperature, student_normalizer)
    teacher_anchor = scores(v_t, student_memory, rows, temperature, teacher_normalizer)
    return nce_loss(student_anchor, negatives, data_size) + nce_loss(teacher_anchor, negatives, data_size)


def estimated_normalizer(anchors, bank, rows, temperature):
    """Z = mean of exp(bank[row]ᵀ anchor / τ) over the batch's candidates, times the number of bank rows M."""
    raw = scores(anchors, bank, rows, temperature, 1.0)
    return float(np.mean(raw)) * bank.shape[0]


def updated_memory(memory, embeddings, sample_ids, momentum=MOMENTUM):
    """The bank after a step: each batch sample's row moved towards its embedding, then re-normalised."""
    result = memory.copy()
    for b, i in enumerate(sample_ids):
        result[int(i)] = l2_normalize(momentum * memory[int(i)] + (1 - momentum) * embeddings[b])
    return result
