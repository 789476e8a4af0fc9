import { describe, expect, it } from 'vitest';
import { truncateValue } from './mlflow-limits.js';

describe('truncateValue', () => {
  it('keeps values within the limit as they are', () => {
    expect(truncateValue('x'.repeat(6000), 6000)).toBe('x'.repeat(6000));
  });

  it('cuts longer values to the limit, ending in "..."', () => {
    const cut = truncateValue('abcdefghij', 8);
    expect(cut).toBe('abcde...');
  });

  it('counts code points, as Python does, and never splits a surrogate pair', () => {
    const emoji = '😀'.repeat(10); // 10 code points, 20 UTF-16 units
    expect(truncateValue(emoji, 10)).toBe(emoji);
    expect(truncateValue(emoji, 5)).toBe('😀😀...');
  });
});
