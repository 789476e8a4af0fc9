import { describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { RunJournal, readJournal } from './run-journal.js';

const point = (key: string, value: number, step: number) => ({ key, value, step, epoch: 0, timestamp: 1_700_000_000_000 + step });

describe('RunJournal', () => {
  it('numbers events from 1 and continues numbering when reopened', () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    new RunJournal(dir).append({ type: 'tags', tags: { a: '1' } });
    const second = new RunJournal(dir).append({ type: 'params', params: { b: '2' } });
    expect(second.seq).toBe(2);
    expect(readJournal(dir).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('keeps NaN and infinite metric values through the journal and writes them as strings in metrics.jsonl', () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    new RunJournal(dir).append({ type: 'metrics', points: [point('a', NaN, 0), point('b', -Infinity, 1), point('c', 0.5, 2)] });
    const [event] = readJournal(dir);
    expect(event.type === 'metrics' && event.points.map((p) => p.value)).toEqual([NaN, -Infinity, 0.5]);
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.value)).toEqual(['NaN', '-Infinity', 0.5]);
  });

  it('ignores a torn last line left by a crash', () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    new RunJournal(dir).append({ type: 'tags', tags: { a: '1' } });
    appendFileSync(join(dir, 'events.jsonl'), '{"seq":2,"type":"par');
    expect(readJournal(dir)).toHaveLength(1);
  });
});
