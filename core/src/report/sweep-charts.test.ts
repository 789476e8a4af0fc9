import { describe, expect, it } from 'vitest';
import { axisPositions } from './sweep-charts.js';

describe('axisPositions (parallel coordinates)', () => {
  it('places numbers by value, with every value as a tick when there are few', () => {
    const axis = axisPositions([2, 4, 10, 4], false);
    expect([2, 4, 10].map(axis.position)).toEqual([0, 0.25, 1]);
    expect(axis.ticks).toEqual([{ position: 0, label: '2' }, { position: 0.25, label: '4' }, { position: 1, label: '10' }]);
  });

  it('places log-sampled numbers in log space, with the ends and the geometric middle as ticks when there are many', () => {
    const axis = axisPositions([0.001, 0.002, 0.004, 0.01, 0.03, 0.05, 0.1], true);
    expect(axis.position(0.01)).toBeCloseTo(0.5, 12);
    expect(axis.ticks.map((t) => t.label)).toEqual(['0.001', '0.01', '0.1']);
  });

  it('spaces other values evenly in the order they first appear', () => {
    const axis = axisPositions([[0.5, 0.5], [0.9, 0.1], [0.5, 0.5], [0.7, 0.3]], false);
    expect(axis.ticks).toEqual([{ position: 0, label: '[0.5,0.5]' }, { position: 0.5, label: '[0.9,0.1]' }, { position: 1, label: '[0.7,0.3]' }]);
    expect(axis.position([0.7, 0.3])).toBe(1);
  });

  it('puts a single value in the middle', () => {
    expect(axisPositions([3, 3], false).position(3)).toBe(0.5);
    expect(axisPositions(['a'], false).position('a')).toBe(0.5);
  });
});
