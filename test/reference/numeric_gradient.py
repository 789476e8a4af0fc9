"""Gradients of a scalar function by central differences, in float64.

The golden vectors' expected gradients come from here rather than from any automatic differentiation, so they check
the TypeScript implementations' gradients against the definition of the loss alone. The five-point stencil
    f'(x) ≈ (−f(x+2h) + 8 f(x+h) − 8 f(x−h) + f(x−2h)) / 12h
has a truncation error of order h⁴; with h = 1e-4 and float64 the error is about 1e-11 relative, far below the 1e-5
the tests ask for.
"""

import numpy as np

STEP = 1e-4


def numeric_gradient(f, x, step=STEP):
    """∂f/∂x for a scalar function f of one float64 array x (x is not modified)."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    flat = x.reshape(-1)
    flat_grad = grad.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        values = []
        for offset in (2 * step, step, -step, -2 * step):
            flat[i] = original + offset
            values.append(f(x))
        flat[i] = original
        plus2, plus1, minus1, minus2 = values
        flat_grad[i] = (-plus2 + 8 * plus1 - 8 * minus1 + minus2) / (12 * step)
    return grad


def numeric_gradients(f, inputs, names):
    """The gradient of f(**inputs) with respect to each input in names, the others held fixed. An input that is a list
    of arrays (one per layer pair) gets a list of gradients."""
    result = {}
    for name in names:
        value = inputs[name]
        if isinstance(value, list):
            result[name] = [numeric_gradient(lambda v, j=j: f(**{**inputs, name: _replaced(value, j, v)}), a) for j, a in enumerate(value)]
        else:
            result[name] = numeric_gradient(lambda v: f(**{**inputs, name: v}), value)
    return result


def _replaced(items, index, value):
    return [value if i == index else item for i, item in enumerate(items)]
