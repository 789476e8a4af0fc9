import { describe, expect, it } from 'vitest';
import { parseMetricJournal } from './metric-journal.js';

const line = (key: string, value: unknown, step = 0, epoch = 0) => JSON.stringify({ key, value, step, epoch, timestamp: 1 });

describe('parseMetricJournal', () => {
  it('groups points by key in logged order, reading "NaN" and null as NaN', () => {
    const journal = parseMetricJournal([line('a', 1), line('b', 'NaN', 1), line('a', 2, 1), line('b', null, 2), line('c', '-Infinity')].join('\n'));
    expect([...journal.series.keys()]).toEqual(['a', 'b', 'c']);
    expect(journal.series.get('a')!.map((p) => p.value)).toEqual([1, 2]);
    expect(journal.series.get('b')!.map((p) => p.value)).toEqual([NaN, NaN]);
    expect(journal.series.get('c')![0].value).toBe(-Infinity);
    expect(journal.problems).toEqual([]);
  });

  it('drops a torn last line quietly, and reports a damaged line elsewhere with its number', () => {
    const text = [line('a', 1), '{"key":"a","val', line('a', 2, 1), line('a', 'much', 2), '{"key":"a","value":3,"st'].join('\n');
    const journal = parseMetricJournal(text);
    expect(journal.series.get('a')!.map((p) => p.value)).toEqual([1, 2]);
    expect(journal.problems).toEqual(['metrics.jsonl:2: not JSON', 'metrics.jsonl:4: "a": "value" is not a number']);
  });

  it('names at most five damaged lines, then counts the rest', () => {
    const journal = parseMetricJournal([...Array.from({ length: 8 }, () => 'x'), line('a', 1)].join('\n'));
    expect(journal.problems).toHaveLength(6);
    expect(journal.problems[5]).toBe('… and 3 more unreadable lines');
  });
});
