#!/usr/bin/env python3
"""Golden vectors of weight quantization as TensorFlow.js stores it, from numpy, written to
test/fixtures/golden/quantization.json.

    python3 test/reference/quantization.py           # write the fixture
    python3 test/reference/quantization.py --check   # recompute and compare with the committed fixture

Definitions (tfjs-core's decodeWeights reads value = q * scale + min for uint8/uint16, and IEEE half floats):
  affine, b bits: lo = min(0, min x), hi = max(0, max x), L = 2^b - 1, scale = (hi - lo) / L (1 when hi == lo),
  min = -round(-lo / scale) * scale (0 exactly representable), max = min + L * scale,
  q = round_half_even((clip(x, min, max) - min) / scale); decoded = float32(q * scale + min), all in float64.
  float16: numpy's astype(float16) (round to nearest, ties to even), the bits as uint16.
Inputs are float32 values; the decoded values are what stock tfjs computes when it loads the files.
"""

import json
import sys
from pathlib import Path

import numpy as np

FIXTURE = Path(__file__).resolve().parent.parent / 'fixtures' / 'golden' / 'quantization.json'


def affine(x, bits):
    x = np.asarray(x, dtype=np.float32).astype(np.float64)
    levels = 2 ** bits - 1
    lo = min(0.0, float(x.min()))
    hi = max(0.0, float(x.max()))
    scale = (hi - lo) / levels if hi > lo else 1.0
    minimum = -np.round(-lo / scale) * scale
    maximum = minimum + levels * scale
    q = np.round((np.clip(x, minimum, maximum) - minimum) / scale)  # numpy rounds half to even
    decoded = (q * scale + minimum).astype(np.float32)
    return {'codes': q.astype(np.int64).tolist(), 'scale': scale, 'min': minimum, 'decoded': decoded.astype(np.float64).tolist()}


def float16(x):
    half = np.asarray(x, dtype=np.float32).astype(np.float16)
    return {'bits': half.view(np.uint16).astype(np.int64).tolist(), 'decoded': half.astype(np.float64).tolist()}


def cases():
    rng = np.random.default_rng(19)
    normal = rng.standard_normal(64).astype(np.float32) * np.float32(0.3)
    pruned = normal.copy()
    pruned[np.argsort(np.abs(pruned))[:40]] = 0  # 62.5 % zeros, as magnitude pruning leaves them
    inputs = {
        'normal weights': normal,
        'pruned weights': pruned,
        'all positive': np.abs(normal) + np.float32(0.5),
        'all negative': -np.abs(normal) - np.float32(0.25),
        'all zero': np.zeros(5, dtype=np.float32),
        'one value': np.array([0.75], dtype=np.float32),
        'float16 edges': np.array([65504, -65504, 6.1035156e-05, 5.9604645e-08, 2.9802322e-08, 1e-8, 1.0009765625,
                                   1.00048828125, 1.00146484375, -0.0, 0.333333343, 2049, 2051, 65519], dtype=np.float32),
    }
    out = []
    for name, values in inputs.items():
        case = {'name': name, 'input': values.astype(np.float64).tolist()}
        case['uint8'] = affine(values, 8)
        case['uint16'] = affine(values, 16)
        case['float16'] = float16(values)
        out.append(case)
    return out


def fixture():
    return {
        'method': 'quantization',
        'reference': 'test/reference/quantization.py',
        'generator': f'numpy {np.__version__} (float64)',
        'cases': cases(),
    }


def main():
    text = json.dumps(fixture(), indent=1) + '\n'
    if '--check' in sys.argv:
        if FIXTURE.read_text() != text:
            print(f'{FIXTURE} differs from what numpy computes now', file=sys.stderr)
            sys.exit(1)
        print('quantization.json: up to date')
        return
    FIXTURE.write_text(text)
    print(f'wrote {FIXTURE}')


if __name__ == '__main__':
    main()
