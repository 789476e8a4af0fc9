#!/usr/bin/env python3
"""The masked mean of the `embedding-bag` model, written from its definition: for a sequence of token ids t_1 … t_L
with embeddings e_1 … e_L, where id 0 pads,

    pooled = Σ_i m_i e_i / max(Σ_i m_i, 1),   m_i = 1 if t_i ≠ 0 else 0

(an all-padding sequence pools to zeros). Writes test/fixtures/golden/masked-mean.json: inputs, the pooled values and
the gradient of Σ pooled ⊙ weights with respect to the embeddings, by central differences (float64).

    python3 test/reference/masked_mean.py           # write the fixture
    python3 test/reference/masked_mean.py --check   # compare with the committed fixture (exit 1 on a difference)
"""

import json
import sys
from pathlib import Path

import numpy as np

from numeric_gradient import numeric_gradients

FIXTURE = Path(__file__).resolve().parent.parent / 'fixtures' / 'golden' / 'masked-mean.json'


def masked_mean(embeddings, ids):
    mask = (np.asarray(ids) != 0).astype(np.float64)[:, :, None]
    counts = np.maximum(mask.sum(axis=1), 1.0)
    return (np.asarray(embeddings, dtype=np.float64) * mask).sum(axis=1) / counts


def fixture():
    rng = np.random.default_rng([20261202, 77])
    embeddings = np.round(rng.standard_normal((3, 5, 4)) * 1024) / 1024
    weights = np.round(rng.standard_normal((3, 4)) * 1024) / 1024
    ids = np.array([[4, 2, 7, 0, 0], [3, 3, 3, 3, 1], [0, 0, 0, 0, 0]])
    loss = lambda embeddings: float((masked_mean(embeddings, ids) * weights).sum())
    gradients = numeric_gradients(loss, {'embeddings': embeddings}, ['embeddings'])
    return {
        'generator': f'numpy {np.__version__} (float64), test/reference/masked_mean.py; gradients by central differences',
        'inputs': {'embeddings': embeddings.tolist(), 'ids': ids.tolist(), 'weights': weights.tolist()},
        'expected': {'pooled': masked_mean(embeddings, ids).tolist(), 'gradient': gradients['embeddings'].tolist()},
    }


if __name__ == '__main__':
    text = json.dumps(fixture(), indent=1) + '\n'
    if '--check' in sys.argv:
        same = FIXTURE.read_text() == text
        print('masked-mean.json is up to date' if same else 'masked-mean.json differs: rerun without --check')
        sys.exit(0 if same else 1)
    FIXTURE.write_text(text)
    print(f'wrote {FIXTURE}')
