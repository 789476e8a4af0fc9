import { describe, expect, it } from 'vitest';
import { decodeMetricValue, encodeMetricValue } from './metric-value.js';

describe('metric values on the wire', () => {
  it('sends NaN and ±Infinity as the strings protobuf JSON expects and finite numbers as numbers', () => {
    expect(JSON.stringify([NaN, Infinity, -Infinity, 0.25, -3].map(encodeMetricValue))).toBe('["NaN","Infinity","-Infinity",0.25,-3]');
  });

  it('reads the strings back as numbers', () => {
    expect(decodeMetricValue('NaN')).toBeNaN();
    expect(decodeMetricValue('Infinity')).toBe(Infinity);
    expect(decodeMetricValue('-Infinity')).toBe(-Infinity);
    expect(decodeMetricValue(1.5)).toBe(1.5);
    expect(decodeMetricValue('2.5')).toBe(2.5);
  });

  it('refuses what is not a metric value', () => {
    expect(() => decodeMetricValue('nan')).toThrow(/not an MLflow metric value/);
    expect(() => decodeMetricValue(null)).toThrow();
  });
});
