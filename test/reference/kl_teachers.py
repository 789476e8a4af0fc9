#!/usr/bin/env python3
"""Golden values of `kl-divergence` with a teacher that gives probabilities, and with several teachers combined
(docs/teachers.md), written from the definitions in float64 to test/fixtures/golden/kl-teachers.json:

- probabilities p (a top-k row renormalised to sum 1) softened at T: q_T = p^(1/T) / sum(p^(1/T));
- aggregate "logits": the target is softmax(mean_i(t_i) / T);
- aggregate "probabilities": the target is mean_i(softmax(t_i / T)) (or q_T for a teacher given as probabilities);
- loss = T^2 * mean over the batch of sum_c target_c * (log target_c - log softmax(s / T)_c).

    python3 test/reference/kl_teachers.py
"""
import json
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / 'fixtures' / 'golden' / 'kl-teachers.json'


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def soften(p, t):
    q = np.power(p, 1.0 / t)
    return q / q.sum(axis=1, keepdims=True)


def kl(target, student, t):
    log_q = np.log(softmax(student / t))
    with np.errstate(divide='ignore', invalid='ignore'):
        terms = np.where(target > 0, target * (np.log(target) - log_q), 0.0)
    return float(t * t * terms.sum(axis=1).mean())


def values(rng, shape):
    return np.round(rng.standard_normal(shape) * 2 * 1024) / 1024


def main():
    rng = np.random.default_rng(11)
    student = values(rng, (3, 5))
    a = values(rng, (3, 5))
    b = values(rng, (3, 5))
    # A top-3 teacher: the 3 largest probabilities of softmax(a), the others 0, renormalised.
    full = softmax(a)
    top = np.where(full >= np.sort(full, axis=1)[:, [2]], full, 0.0)
    top = top / top.sum(axis=1, keepdims=True)
    top32 = top.astype(np.float32).astype(np.float64)
    cases = [
        {'name': 'top-3 probabilities at T=2', 'temperature': 2, 'student': student.tolist(), 'probabilities': top32.tolist(),
         'loss': kl(soften(top32, 2), student, 2)},
        {'name': 'mean of logits at T=4', 'temperature': 4, 'aggregate': 'logits', 'student': student.tolist(), 'logits': [a.tolist(), b.tolist()],
         'loss': kl(softmax((a + b) / 2 / 4), student, 4)},
        {'name': 'mean of softened probabilities at T=3, one teacher giving logits, one probabilities', 'temperature': 3, 'aggregate': 'probabilities',
         'student': student.tolist(), 'logits': [a.tolist()], 'probabilities': top32.tolist(),
         'loss': kl((softmax(a / 3) + soften(top32, 3)) / 2, student, 3)},
    ]
    OUT.write_text(json.dumps({'generator': f'numpy {np.__version__} (float64), test/reference/kl_teachers.py', 'cases': cases}, indent=1) + '\n')


if __name__ == '__main__':
    main()
