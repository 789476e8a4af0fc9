// A text file → rows of (text, label, line), every row checked: valid UTF-8, no line over the byte limit, a text and a
// label of the right kind, a label among the classes. A bad row is an error naming the file and its line, or, with
// onInvalid "skip", is left out and counted.
import { UserError } from '@distill/core';
import { CsvSyntaxError, parseCsv } from './csv-records.js';

export interface TextRow {
  readonly text: string;
  readonly label: string;
  /** 1-based line the row starts on. */
  readonly line: number;
}

export interface TextRecordOptions {
  /** How the file is shown in messages (the manifest's path). */
  readonly shown: string;
  readonly format: 'jsonl' | 'csv';
  readonly textField: string;
  readonly labelField: string;
  readonly maxLineBytes: number;
  readonly onInvalid: 'error' | 'skip';
  readonly delimiter: string;
}

export interface InvalidRow {
  readonly line: number;
  readonly problem: string;
}

export interface TextRecords {
  readonly rows: TextRow[];
  readonly skipped: InvalidRow[];
}

/** Rows of the file's bytes; rows whose label is not among `classes` (when given) are invalid too. */
export function readTextRecords(bytes: Uint8Array, options: TextRecordOptions, classes?: readonly string[]): TextRecords {
  if (bytes.length === 0 || /^\s*$/.test(Buffer.from(bytes).toString('latin1'))) {
    throw new UserError(`${options.shown} is empty: a text dataset needs one row per sample`, { hint: hintFor(options) });
  }
  const badLines = lineProblems(bytes, options.maxLineBytes);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/^\uFEFF/, '');
  const parsed = options.format === 'jsonl' ? jsonlRows(text, options) : csvRows(text, options);
  const rows: TextRow[] = [];
  const skipped: InvalidRow[] = [];
  const known = classes ? new Set(classes) : undefined;
  for (const row of parsed) {
    const problem =
      firstBadLine(badLines, row.line, row.lastLine) ??
      ('problem' in row ? row.problem : known && !known.has(row.label) ? `label "${row.label}" is not one of the classes (${[...known].join(', ')})` : undefined);
    if (problem === undefined) rows.push(row as TextRow);
    else if (options.onInvalid === 'skip') skipped.push({ line: row.line, problem });
    else {
      const hint = problem.startsWith('label') ? 'fix the label, add it to classes, or set onInvalid to "skip"' : 'fix the row, or set onInvalid to "skip" to leave bad rows out';
      throw new UserError(`${options.shown}:${row.line}: ${problem}`, { hint });
    }
  }
  if (rows.length === 0) throw new UserError(`${options.shown} has no valid rows (${skipped.length} skipped as invalid; the first at line ${skipped[0]?.line}: ${skipped[0]?.problem})`);
  return { rows, skipped: skipped.map(({ line, problem }) => ({ line, problem })) };
}

type ParsedRow = (TextRow | { line: number; problem: string }) & { lastLine: number };

function jsonlRows(text: string, options: TextRecordOptions): ParsedRow[] {
  const rows: ParsedRow[] = [];
  text.split(/\r?\n/).forEach((source, index) => {
    const line = index + 1;
    if (source.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      rows.push({ line, lastLine: line, problem: `not a JSON object: ${(error as Error).message}` });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      rows.push({ line, lastLine: line, problem: `expected a JSON object with "${options.textField}" and "${options.labelField}", found ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}` });
      return;
    }
    const record = value as Record<string, unknown>;
    rows.push({ ...cellsOf(record[options.textField], record[options.labelField], options), line, lastLine: line });
  });
  return rows;
}

function csvRows(text: string, options: TextRecordOptions): ParsedRow[] {
  let records;
  try {
    records = parseCsv(text, options.delimiter);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new UserError(`${options.shown}:${error.line}: ${error.message}`);
    throw error;
  }
  if (records.length === 0) throw new UserError(`${options.shown} is empty: a text dataset needs one row per sample`);
  const header = records[0].cells;
  const textColumn = header.indexOf(options.textField);
  const labelColumn = header.indexOf(options.labelField);
  for (const [field, column] of [[options.textField, textColumn], [options.labelField, labelColumn]] as const) {
    if (column < 0) {
      throw new UserError(`${options.shown}:${records[0].line}: the header has no column "${field}" (columns: ${header.join(', ')})`, {
        hint: 'the first row names the columns; set textField and labelField to the names of the text and label columns',
      });
    }
  }
  return records.slice(1).map((record, i, all) => {
    const lastLine = (all[i + 1]?.line ?? Number.MAX_SAFE_INTEGER) - 1;
    if (record.cells.length !== header.length) return { line: record.line, lastLine, problem: `the row has ${record.cells.length} cells, expected ${header.length} (as the header)` };
    return { ...cellsOf(record.cells[textColumn], record.cells[labelColumn], options), line: record.line, lastLine };
  });
}

function cellsOf(text: unknown, label: unknown, options: TextRecordOptions): { text: string; label: string } | { problem: string } {
  if (typeof text !== 'string') return { problem: text === undefined ? `no "${options.textField}" field` : `"${options.textField}" is ${JSON.stringify(text)}, not a string` };
  if (label === undefined || label === null || label === '') return { problem: `no "${options.labelField}" label` };
  if (typeof label !== 'string' && !(typeof label === 'number' && Number.isInteger(label))) {
    return { problem: `"${options.labelField}" is ${JSON.stringify(label)}: a label is a class name or a whole number` };
  }
  return { text, label: String(label) };
}

/** Physical lines (1-based) that are not valid UTF-8 or are longer than `maxLineBytes`, with what is wrong. */
function lineProblems(bytes: Uint8Array, maxLineBytes: number): Map<number, string> {
  const problems = new Map<number, string>();
  const strict = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  let line = 1;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    const content = bytes.subarray(start, end > start && bytes[end - 1] === 0x0d ? end - 1 : end);
    if (content.length > maxLineBytes) problems.set(line, `the line is ${content.length} bytes long, over maxLineBytes ${maxLineBytes}`);
    else {
      try {
        strict.decode(content);
      } catch {
        problems.set(line, `not valid UTF-8 text (byte ${invalidByteOffset(content) + 1} of the line); save the file as UTF-8`);
      }
    }
    start = end + 1;
    line++;
  }
  return problems;
}

/** The offset of the first byte that does not decode, found by decoding ever longer prefixes at character bounds. */
function invalidByteOffset(content: Uint8Array): number {
  const strict = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  while (offset < content.length) {
    const lead = content[offset];
    const size = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0;
    if (size === 0) return offset;
    try {
      strict.decode(content.subarray(offset, offset + size));
    } catch {
      return offset;
    }
    offset += size;
  }
  return offset;
}

function firstBadLine(problems: ReadonlyMap<number, string>, first: number, last: number): string | undefined {
  if (problems.size === 0) return undefined;
  for (const [line, problem] of problems) if (line >= first && line <= last) return line === first ? problem : `line ${line}: ${problem}`;
  return undefined;
}

function hintFor(options: TextRecordOptions): string {
  return options.format === 'jsonl'
    ? `one JSON object per line: {"${options.textField}": "…", "${options.labelField}": "…"}`
    : `a header row naming the columns (${options.textField}, ${options.labelField}), then one row per sample`;
}
