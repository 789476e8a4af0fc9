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
  // Several teachers are also measured as one, the mean of their probabilities: `ensemble/…`.
  const ensemble = m['ensemble/test/accuracy'] !== undefined;
  const compared = [...named, ...(ensemble ? ['ensemble'] : [])];
  const agreement = (role: string) => (named.length > 0 ? compared.map((name) => `${name} ${pct(m[`${role}/test/agreement/${name}`])}`).join(', ') : pct(m[`${role}/test/agreement`]));
  for (const teacher of teachers) {
    table.push([teacher, pct(m[`${teacher}/test/accuracy`]), num(m[`${teacher}/test/loss`]), ensemble ? `ensemble ${pct(m[`${teacher}/test/agreement/ensemble`])}` : '-', count(m[`${teacher}/parameters`]), num(m[`${teacher}/latency/batch1Ms`], 3), num(m[`${teacher}/latency/batch128Ms`], 4)]);
  }
  if (ensemble) table.push(['ensemble (mean of teachers)', pct(m['ensemble/test/accuracy']), num(m['ensemble/test/loss']), '-', '-', '-', '-']);
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
  lines.push(...exportLines(m));
  return lines.join('\n');
}

const EXPORT_MODES = ['float32', 'float16', 'uint16', 'uint8'] as const;

/** The exported variants beside the float32 student: accuracy and its drop, agreement, bytes on disk and gzipped. */
function exportLines(m: Readonly<Record<string, number>>): string[] {
  const modes = EXPORT_MODES.filter((mode) => m[`export/${mode}/test/accuracy`] !== undefined);
  const lines: string[] = [];
  const sparsity = m['student/zeroFraction'];
  if (modes.length === 0) return lines;
  const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : `${(v * 100).toFixed(2)}%`);
  const bytes = (v: number | undefined) => (v === undefined ? '-' : Math.round(v).toLocaleString('en-US'));
  const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(3));
  const table = new Table({
    head: ['student as exported', 'test accuracy', 'change', 'agreement w/ teacher', 'agreement w/ float32', 'weight bytes', 'gzip bytes', 'latency b=1 (ms)'],
    style: { head: [], border: [] },
  });
  table.push(['trained (float32)', pct(m['student/test/accuracy']), '-', pct(m['student/test/agreement']), '-', bytes(m['student/weightBytes']), bytes(m['student/gzipBytes']), ms(m['student/latency/batch1Ms'])]);
  for (const mode of modes) {
    const key = (name: string) => m[`export/${mode}/${name}`];
    const drop = key('accuracyDrop');
    const change = `${drop <= 0 ? '+' : '-'}${(Math.abs(drop) * 100).toFixed(2)} pts${key('collapsed') === 1 ? ' COLLAPSED' : ''}`;
    table.push([mode, pct(key('test/accuracy')), change, pct(key('test/agreement')), pct(key('test/studentAgreement')), bytes(key('weightBytes')), bytes(key('gzipBytes')), ms(key('latency/batch1Ms'))]);
  }
  lines.push(table.toString());
  const facts: string[] = [];
  if (sparsity !== undefined && sparsity > 0) facts.push(`${(sparsity * 100).toFixed(1)}% of the student's weights are zero`);
  const smallest = modes.reduce((best, mode) => (m[`export/${mode}/gzipBytes`] < m[`export/${best}/gzipBytes`] ? mode : best));
  if (m['student/gzipBytes']) facts.push(`${smallest}: ${(m['student/weightBytes'] / m[`export/${smallest}/weightBytes`]).toFixed(1)}× smaller weights than float32, ${(m['student/gzipBytes'] / m[`export/${smallest}/gzipBytes`]).toFixed(1)}× gzipped`);
  for (const mode of modes.filter((mode) => m[`export/${mode}/collapsed`] === 1)) {
    facts.push(`warning: ${mode} loses ${(m[`export/${mode}/accuracyDrop`] * 100).toFixed(2)} points of test accuracy: this quantization collapses the model`);
  }
  for (const mode of modes.filter((mode) => m[`export/${mode}/float32Weights`] > 0)) {
    facts.push(`${mode}: ${m[`export/${mode}/float32Weights`]} weight(s) kept in float32 (see export/export.json)`);
  }
  if (facts.length) lines.push(facts.join('\n'));
  return lines;
}
