// The suite's own machinery: the comparison catches a single wrong element, NaN and a wrong size, and
// DISTILL_TEST_BACKEND accepts only backends distill knows.
import { describe, expect, it } from 'vitest';
import { RELATIVE_TOLERANCE, relativeError } from './compare-backends.js';
import { backendUnderTest } from './backend-under-test.js';

describe('relativeError', () => {
  it('is the largest difference over the largest expected magnitude', () => {
    expect(relativeError([1, -4, 2.0004], [1, -4, 2])).toEqual({ maxError: expect.closeTo(0.0004, 9), scale: 4, relative: expect.closeTo(0.0001, 9) });
  });

  it('flags one wrong element among many, above the tolerance', () => {
    const expected = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    const actual = Float32Array.from(expected);
    actual[417] += 0.01;
    expect(relativeError(actual, expected).relative).toBeGreaterThan(RELATIVE_TOLERANCE);
  });

  it('treats NaN and a size mismatch as infinitely wrong, and all-zero agreement as exact', () => {
    expect(relativeError([1, NaN], [1, 2]).relative).toBe(Infinity);
    expect(relativeError([1, 2], [1, 2, 3]).relative).toBe(Infinity);
    expect(relativeError([0, 0], [0, 0]).relative).toBe(0);
    expect(relativeError([1e-30, 0], [0, 0]).relative).toBe(Infinity);
  });
});

describe('DISTILL_TEST_BACKEND', () => {
  it('defaults to wasm and takes any concrete backend name', () => {
    expect(backendUnderTest({})).toBe('wasm');
    expect(backendUnderTest({ DISTILL_TEST_BACKEND: 'tensorflow' })).toBe('tensorflow');
  });

  it('refuses names that are not backends, and auto, which would not say what was checked', () => {
    expect(() => backendUnderTest({ DISTILL_TEST_BACKEND: 'webgl' })).toThrow('DISTILL_TEST_BACKEND="webgl" is not a backend the conformance suite can check; valid: wasm, cpu, tensorflow, tensorflow-gpu');
    expect(() => backendUnderTest({ DISTILL_TEST_BACKEND: 'auto' })).toThrow('not a backend the conformance suite can check');
  });
});
