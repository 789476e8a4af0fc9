import { describe, expect, it } from 'vitest';
import { valueAt } from './scheduled-number.js';

describe('valueAt', () => {
  it('returns a plain number unchanged in every epoch', () => {
    expect([0, 3, 9].map((e) => valueAt(4, e, 10))).toEqual([4, 4, 4]);
  });

  it('moves linearly from `from` in the first epoch to `to` in the last', () => {
    const schedule = { schedule: 'linear' as const, from: 8, to: 1 };
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((e) => valueAt(schedule, e, 8))).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('holds `to` after the schedule`s own epoch count', () => {
    const schedule = { schedule: 'linear' as const, from: 0, to: 1, epochs: 3 };
    expect([0, 1, 2, 3, 9].map((e) => valueAt(schedule, e, 10))).toEqual([0, 0.5, 1, 1, 1]);
  });

  it('follows a half cosine, flat at both ends', () => {
    const schedule = { schedule: 'cosine' as const, from: 1, to: 0 };
    expect(valueAt(schedule, 0, 5)).toBeCloseTo(1, 12);
    expect(valueAt(schedule, 2, 5)).toBeCloseTo(0.5, 12);
    expect(valueAt(schedule, 4, 5)).toBeCloseTo(0, 12);
    expect(valueAt(schedule, 1, 5)).toBeCloseTo((1 + Math.cos(Math.PI / 4)) / 2, 12);
  });

  it('gives `from` in a one-epoch stage', () => {
    expect(valueAt({ schedule: 'linear', from: 3, to: 1 }, 0, 1)).toBe(3);
  });
});
