import { describe, expect, it } from 'vitest';
import { crossTabulate } from './confusion-matrix.js';

describe('crossTabulate', () => {
  it('counts each (true, predicted) pair in its row and column, as sklearn.metrics.confusion_matrix does', () => {
    // sklearn's documented example: y_true [2,0,2,2,0,1], y_pred [0,0,2,2,0,2] → [[2,0,0],[0,0,1],[1,0,2]].
    expect(crossTabulate([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2], 3)).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
  });

  it('leaves out unlabelled samples (negative labels)', () => {
    expect(crossTabulate(Int32Array.from([-1, 1, -1, 0]), Int32Array.from([0, 1, 1, 1]), 2)).toEqual([
      [0, 1],
      [0, 1],
    ]);
  });

  it('refuses a class outside the matrix and arrays of different lengths', () => {
    expect(() => crossTabulate([0, 3], [0, 1], 3)).toThrow(/class 3 is outside 0…2/);
    expect(() => crossTabulate([0], [0, 1], 2)).toThrow(/1 values against 2/);
  });
});
