#!/usr/bin/env python3
"""Writes test/fixtures/graph-model/: a small TensorFlow.js GraphModel (model.json with its GraphDef as JSON, and
weights.bin), with numpy alone (no TensorFlow): x [-1, 12] -> dense 16 + ReLU (node "hidden/Relu") -> dense 4
(node "logits/BiasAdd", the output). `expected.json` holds a few inputs and what numpy computes for them: the hidden
layer and the logits, in float64 from the float32 weights.

    python3 test/reference/graph_model_fixture.py
"""
import base64
import json
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / 'fixtures' / 'graph-model'
FEATURES, HIDDEN, CLASSES = 12, 16, 4


def dims(shape):
    return {'dim': [{'size': str(d)} for d in shape]}


def const(name, shape):
    return {'name': name, 'op': 'Const', 'attr': {'value': {'tensor': {'dtype': 'DT_FLOAT', 'tensorShape': dims(shape)}}, 'dtype': {'type': 'DT_FLOAT'}}}


def op(name, kind, inputs, **attr):
    return {'name': name, 'op': kind, 'input': inputs, 'attr': {'T': {'type': 'DT_FLOAT'}, **attr}}


def main():
    rng = np.random.default_rng(5)
    weights = {
        'hidden/kernel': (rng.standard_normal((FEATURES, HIDDEN)) * 0.5).astype(np.float32),
        'hidden/bias': (rng.standard_normal(HIDDEN) * 0.1).astype(np.float32),
        'logits/kernel': (rng.standard_normal((HIDDEN, CLASSES)) * 0.5).astype(np.float32),
        'logits/bias': (rng.standard_normal(CLASSES) * 0.1).astype(np.float32),
    }
    nhwc = {'s': base64.b64encode(b'NHWC').decode()}
    no = {'b': False}
    nodes = [
        {'name': 'x', 'op': 'Placeholder', 'attr': {'dtype': {'type': 'DT_FLOAT'}, 'shape': {'shape': dims([-1, FEATURES])}}},
        *[const(name, w.shape) for name, w in weights.items()],
        op('hidden/MatMul', 'MatMul', ['x', 'hidden/kernel'], transpose_a=no, transpose_b=no),
        op('hidden/BiasAdd', 'BiasAdd', ['hidden/MatMul', 'hidden/bias'], data_format=nhwc),
        op('hidden/Relu', 'Relu', ['hidden/BiasAdd']),
        op('logits/MatMul', 'MatMul', ['hidden/Relu', 'logits/kernel'], transpose_a=no, transpose_b=no),
        op('logits/BiasAdd', 'BiasAdd', ['logits/MatMul', 'logits/bias'], data_format=nhwc),
    ]
    model = {
        'format': 'graph-model',
        'generatedBy': 'test/reference/graph_model_fixture.py',
        'convertedBy': None,
        'modelTopology': {'node': nodes, 'library': {}, 'versions': {'producer': 1}},
        'signature': {
            'inputs': {'x': {'name': 'x:0', 'dtype': 'DT_FLOAT', 'tensorShape': dims([-1, FEATURES])}},
            'outputs': {'logits': {'name': 'logits/BiasAdd:0', 'dtype': 'DT_FLOAT', 'tensorShape': dims([-1, CLASSES])}},
        },
        'weightsManifest': [{'paths': ['weights.bin'], 'weights': [{'name': n, 'shape': list(w.shape), 'dtype': 'float32'} for n, w in weights.items()]}],
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / 'model.json').write_text(json.dumps(model, indent=1) + '\n')
    (OUT / 'weights.bin').write_bytes(b''.join(w.astype('<f4').tobytes() for w in weights.values()))

    inputs = np.round(rng.standard_normal((3, FEATURES)) * 1024) / 1024
    w = {k: v.astype(np.float64) for k, v in weights.items()}
    hidden = np.maximum(inputs @ w['hidden/kernel'] + w['hidden/bias'], 0)
    logits = hidden @ w['logits/kernel'] + w['logits/bias']
    (OUT / 'expected.json').write_text(json.dumps({'inputs': inputs.tolist(), 'hidden/Relu': hidden.tolist(), 'logits': logits.tolist()}, indent=1) + '\n')


if __name__ == '__main__':
    main()
