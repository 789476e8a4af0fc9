import { describe, expect, it } from 'vitest';
import { epochCurve, stepCurve, windowMeans } from './curve-points.js';

const point = (step: number, epoch: number, value: number) => ({ step, epoch, value });

describe('epochCurve', () => {
  it('keeps one point per epoch, the last logged, numbered from 1', () => {
    const curve = epochCurve([point(2, 0, 0.5), point(4, 1, 0.6), point(4, 1, 0.6), point(6, 2, 0.7)]);
    expect(curve.points).toEqual([{ epoch: 1, step: 2, value: 0.5 }, { epoch: 2, step: 4, value: 0.6 }, { epoch: 3, step: 6, value: 0.7 }]);
    expect(curve.nonFinite).toBe(0);
  });

  it('leaves out NaN and infinite values and counts them', () => {
    const curve = epochCurve([point(1, 0, NaN), point(2, 1, 0.4), point(3, 2, Infinity)]);
    expect(curve.points).toEqual([{ epoch: 2, step: 2, value: 0.4 }]);
    expect(curve.nonFinite).toBe(2);
  });
});

describe('stepCurve', () => {
  it('places each step at its fraction of its epoch', () => {
    // Two epochs of two steps, and a last epoch of one (a budget that ends mid-epoch).
    const curve = stepCurve([point(0, 0, 4), point(1, 0, 3), point(2, 1, 2), point(3, 1, 1), point(4, 2, 0.5)]);
    expect(curve.points.map((p) => [p.x, p.step, p.value])).toEqual([[0.5, 0, 4], [1, 1, 3], [1.5, 2, 2], [2, 3, 1], [3, 4, 0.5]]);
  });

  it('averages windows of consecutive steps beyond the point limit', () => {
    const points = Array.from({ length: 10 }, (_, i) => point(i, 0, i));
    // 10 points, at most 4: windows of 3 → means of 0..2, 3..5, 6..8, and 9 alone.
    expect(stepCurve(points, 4).points.map((p) => [p.step, p.value])).toEqual([[2, 1], [5, 4], [8, 7], [9, 9]]);
  });

  it('counts and leaves out values that are not finite before averaging', () => {
    const curve = stepCurve([point(0, 0, 1), point(1, 0, NaN), point(2, 0, 3)], 1);
    expect(curve.nonFinite).toBe(1);
    expect(curve.points.map((p) => p.value)).toEqual([2]);
  });
});

describe('windowMeans', () => {
  it('returns the points as they are when within the limit', () => {
    const points = [{ x: 1, step: 0, value: 2 }];
    expect(windowMeans(points, 5)).toEqual(points);
  });
});
