// The table printed at the end of a run: the teacher (or each teacher), the student and the baseline side by side.
import Table from 'cli-table3';
import type { RunSummary } from '../run/run-summary.js';

export function formatSummaryTable(summary: RunSummary): string {
  const m = summary.metrics;
  const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : `${(v * 100).toFixed(2)}%`);
  const num = (v: number | undefined, digits = 4) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));
  const count = (v: number | undefined) => (v === undefined ? '-' : Math.round(v).toLocaleString('en-US'));
  const table = new Table({
    head: ['model', 'test accuracy', 'test loss', 'agreement w/ teacher', 'parameters', 'latency b=1 (ms)', 'latency b=128 (ms/sample)'],
    style: { head: [], border: [] },
  });
  // One teacher: `teacher/…` keys; several: `teacher/<name>/…`, and agreements `…/agreement/<name>`.
  const named = Object.keys(m).flatMap((key) => /^teacher\/(.+)\/test\/accuracy$/.exec(key)?.[1] ?? []);
  const teachers = named.length > 0 ? named.map((name) => `teacher/${name}`) : ['teacher'];
  const agreement = (role: string) => (named.length > 0 ? named.map((name) => `${name} ${pct(m[`${role}/test/agreement/${name}`])}`).join(', ') : pct(m[`${role}/test/agreement`]));
  for (const teacher of teachers) {
    table.push([teacher, pct(m[`${teacher}/test/accuracy`]), num(m[`${teacher}/test/loss`]), '-', count(m[`${teacher}/parameters`]), num(m[`${teacher}/latency/batch1Ms`], 3), num(m[`${teacher}/latency/batch128Ms`], 4)]);
  }
  table.push(['student', pct(m['student/test/accuracy']), num(m['student/test/loss']), agreement('student'), count(m['student/parameters']), num(m['student/latency/batch1Ms'], 3), num(m['student/latency/batch128Ms'], 4)]);
  if (m['baseline/test/accuracy'] !== undefined) {
    table.push(['baseline', pct(m['baseline/test/accuracy']), num(m['baseline/test/loss']), agreement('baseline'), count(m['student/parameters']), '-', '-']);
  }
  const lines = [table.toString()];
  const facts: string[] = [];
  if (m['distillation/gain'] !== undefined) facts.push(`distillation gain ${m['distillation/gain'] >= 0 ? '+' : ''}${(m['distillation/gain'] * 100).toFixed(2)} points over the baseline`);
  if (m['compression/ratio'] !== undefined) facts.push(`${num(m['compression/ratio'], 1)}× fewer parameters`);
  if (m['speedup/batch1'] !== undefined) facts.push(`${num(m['speedup/batch1'], 1)}× faster at batch 1, ${num(m['speedup/batch128'], 1)}× at batch 128`);
  if (facts.length) lines.push(facts.join('; '));
  return lines.join('\n');
}
