// A remote teacher's answer for one batch, checked before use: it comes over the network, so its shape, its size and
// every value are verified, and a wrong answer is refused saying which row and which class. The answer is JSON:
// `{ "logits": [[…], …] }`, or `{ "probabilities": [row, …] }` where a row is every class's probability or only the top
// k as `{ "classes": [3, 7], "values": [0.9, 0.05] }` (the others 0; the row is renormalised to sum 1).

export type TeacherValues = 'logits' | 'probabilities';

/** `rows × classes` values, row-major; or the reason the answer is unusable. */
export type ParsedResponse = { readonly values: Float32Array } | { readonly problem: string };

export function parseTeacherResponse(body: unknown, kind: TeacherValues, rows: number, classes: number): ParsedResponse {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { problem: `expected a JSON object { "${kind}": [...] }` };
  const list = (body as Record<string, unknown>)[kind];
  if (!Array.isArray(list)) {
    const other = kind === 'logits' ? 'probabilities' : 'logits';
    const hint = other in body ? ` (it has "${other}": set the teacher's "outputs" to "${other}")` : '';
    return { problem: `it has no "${kind}" array${hint}` };
  }
  if (list.length !== rows) return { problem: `it has ${list.length} rows of ${kind}, but the batch has ${rows} samples` };
  const values = new Float32Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    const problem = kind === 'logits' ? logitsRow(list[r], classes, values.subarray(r * classes, (r + 1) * classes)) : probabilitiesRow(list[r], classes, values.subarray(r * classes, (r + 1) * classes));
    if (problem) return { problem: `row ${r}: ${problem}` };
  }
  return { values };
}

function logitsRow(row: unknown, classes: number, out: Float32Array): string | undefined {
  if (!Array.isArray(row)) return `expected an array of ${classes} logits`;
  if (row.length !== classes) return `it has ${row.length} values, but the dataset has ${classes} classes`;
  for (let c = 0; c < classes; c++) {
    const value = row[c];
    if (typeof value !== 'number' || !Number.isFinite(value) || !Number.isFinite(Math.fround(value))) return `class ${c}: ${describe(value)} is not a finite float32 number`;
    out[c] = value;
  }
  return undefined;
}

function probabilitiesRow(row: unknown, classes: number, out: Float32Array): string | undefined {
  if (Array.isArray(row)) {
    if (row.length !== classes) return `it has ${row.length} probabilities, but the dataset has ${classes} classes`;
    for (let c = 0; c < classes; c++) {
      const problem = probability(row[c], `class ${c}`);
      if (problem) return problem;
      out[c] = row[c] as number;
    }
  } else if (typeof row === 'object' && row !== null) {
    const { classes: indices, values } = row as { classes?: unknown; values?: unknown };
    if (!Array.isArray(indices) || !Array.isArray(values) || indices.length !== values.length || indices.length === 0) {
      return 'a top-k row is { "classes": [...], "values": [...] }, two non-empty arrays of the same length';
    }
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i];
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= classes) return `classes[${i}]: ${describe(index)} is not a class index in [0, ${classes})`;
      if (out[index] !== 0) return `classes[${i}]: class ${index} is listed twice`;
      const problem = probability(values[i], `values[${i}]`);
      if (problem) return problem;
      out[index] = values[i] as number;
    }
  } else {
    return `expected ${classes} probabilities, or a top-k row { "classes": [...], "values": [...] }`;
  }
  const sum = out.reduce((a, b) => a + b, 0);
  if (!(sum > 0) || sum > 1 + 1e-3) return `its probabilities sum to ${sum}; a row sums to 1 (a top-k row to at most 1)`;
  for (let c = 0; c < classes; c++) out[c] /= sum;
  return undefined;
}

function probability(value: unknown, where: string): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) return `${where}: ${describe(value)} is not a probability in [0, 1]`;
  return undefined;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
