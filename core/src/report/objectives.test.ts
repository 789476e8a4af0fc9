import { describe, expect, it } from 'vitest';
import { objectivesOf, paretoFront } from './objectives.js';

describe('objectivesOf', () => {
  it('reads one metric as a list of one', () => {
    expect(objectivesOf({ metric: { name: 'student/val/accuracy', goal: 'maximize' } })).toEqual([{ name: 'student/val/accuracy', goal: 'maximize' }]);
  });

  it('reads a list of metrics when the sweep has several, leaving out malformed entries', () => {
    const spec = { metric: { name: 'a', goal: 'maximize' }, metrics: [{ name: 'a', goal: 'maximize' }, { name: 'b', goal: 'minimize' }, { name: 'c', goal: 'up' }] };
    expect(objectivesOf(spec)).toEqual([{ name: 'a', goal: 'maximize' }, { name: 'b', goal: 'minimize' }]);
  });

  it('gives no objectives for a spec without any', () => {
    expect(objectivesOf(undefined)).toEqual([]);
    expect(objectivesOf({ metric: 'accuracy' })).toEqual([]);
  });
});

describe('paretoFront', () => {
  const accuracyUp = { name: 'accuracy', goal: 'maximize' } as const;
  const latencyDown = { name: 'latency', goal: 'minimize' } as const;

  it('keeps the points no other point beats on both objectives', () => {
    // (accuracy, latency): 0 and 2 trade off; 1 is beaten by 0 on both; 3 ties 2 on accuracy with a worse latency.
    const points = [[0.9, 2], [0.8, 3], [0.85, 1], [0.85, 1.5], [0.95, 4]];
    expect(paretoFront(points, [accuracyUp, latencyDown])).toEqual([0, 2, 4]);
  });

  it('keeps equal points both, and leaves out points with a missing value', () => {
    expect(paretoFront([[1, 1], [1, 1], [NaN, 0], [0.5, 2]], [accuracyUp, latencyDown])).toEqual([0, 1]);
  });

  it('is the single best point for one objective', () => {
    expect(paretoFront([[0.1], [0.7], [0.3]], [accuracyUp])).toEqual([1]);
  });
});
