// The `csv` dataset: numeric feature columns and a label column read from a file beside the manifest.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { definePlugin, shuffledIndices, suggestion, UserError, type Dataset } from '@distill/core';
import { CsvSyntaxError, parseCsv, type CsvRecord } from './csv-records.js';
import { csvLabels } from './csv-labels.js';
import { decimalCell } from './decimal-cell.js';
import { datasetFingerprint } from './dataset-fingerprint.js';
import { gatherSplit, splitSizes, type RowTable } from './split-rows.js';

const paramsSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1, description: 'The CSV file, relative to the manifest.' },
    labelColumn: {
      type: ['string', 'integer'],
      minimum: 0,
      description: 'The label column: its name in the header, or its 0-based index. Default: the last column.',
    },
    numClasses: {
      type: 'integer',
      minimum: 2,
      maximum: 100000,
      description:
        'How many classes numeric labels index. Default: the labels found, which must be 0 … k-1 without gaps; give it when some classes have no rows in the file.',
    },
    header: { type: 'boolean', default: true, description: 'Whether the first row names the columns.' },
    delimiter: { type: 'string', minLength: 1, maxLength: 1, default: ',', description: 'Cell separator.' },
    validationFraction: {
      type: 'number',
      minimum: 0,
      exclusiveMaximum: 1,
      default: 0.1,
      description: 'Fraction of the rows held out for validation.',
    },
    testFraction: {
      type: 'number',
      exclusiveMinimum: 0,
      exclusiveMaximum: 1,
      default: 0.2,
      description: 'Fraction of the rows held out for the test set.',
    },
    shuffleSeed: {
      type: 'integer',
      minimum: 0,
      default: 0,
      description: 'Seed of the shuffle that assigns rows to splits (training, then validation, then test).',
    },
  },
  required: ['path'],
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'dataset',
  name: 'csv',
  description:
    'Numeric feature columns (plain decimals) and a label column from a CSV file. Numeric labels are class indices ' +
    '(0 … numClasses-1, no gaps unless numClasses is given); other labels become class names, sorted. Rows are shuffled with shuffleSeed, then split into training, validation and test.',
  paramsSchema,
  create: (params, context): Dataset => {
    const file = resolve(context.manifestDir, params.path);
    const where = (line: number, column?: number, name?: string) =>
      `${params.path}:${line}${column === undefined ? '' : `, column ${column + 1}${name ? ` ("${name}")` : ''}`}`;
    const records = readRecords(file, params.path, params.delimiter);
    const names = params.header ? records[0].cells : records[0].cells.map((_, i) => `column ${i + 1}`);
    const rows = params.header ? records.slice(1) : records;
    if (rows.length === 0) throw new UserError(`${params.path} has no data rows`);
    const width = names.length;
    const labelIndex = labelColumnIndex(params.labelColumn, names, params.header, params.path);
    if (width < 2) throw new UserError(`${params.path} needs at least one feature column besides the label column`);

    for (const row of rows) {
      if (row.cells.length !== width) {
        throw new UserError(`${where(row.line)}: the row has ${row.cells.length} cells, expected ${width}${params.header ? ' (as the header)' : ' (as the first row)'}`);
      }
    }
    const featureColumns = names.map((_, i) => i).filter((i) => i !== labelIndex);
    const x = new Float32Array(rows.length * featureColumns.length);
    rows.forEach((row, r) =>
      featureColumns.forEach((c, f) => {
        const cell = decimalCell(row.cells[c]);
        if ('problem' in cell) throw new UserError(`${where(row.line, c, names[c])}: ${cell.problem}`);
        x[r * featureColumns.length + f] = cell.value;
      }),
    );
    const labels = csvLabels(
      rows.map((row) => ({ value: row.cells[labelIndex], place: where(row.line, labelIndex, names[labelIndex]) })),
      params.numClasses,
    );
    const table: RowTable = { x, y: labels.y, width: featureColumns.length };

    const sizes = splitSizes(rows.length, params.validationFraction, params.testFraction);
    if (sizes.train < 1 || sizes.test < 1) {
      throw new UserError(`${params.path} has ${rows.length} rows: too few for a training and a test split with testFraction ${params.testFraction}`);
    }
    const order = shuffledIndices(rows.length, params.shuffleSeed);
    const train = gatherSplit(table, order.subarray(0, sizes.train));
    const validation = sizes.validation ? gatherSplit(table, order.subarray(sizes.train, sizes.train + sizes.validation)) : undefined;
    const test = gatherSplit(table, order.subarray(sizes.train + sizes.validation));

    const info = { inputShape: [featureColumns.length], numClasses: labels.numClasses, classNames: labels.classNames };
    return { ...info, train, validation, test, fingerprint: datasetFingerprint(info, { train, validation, test }) };
  },
});

function readRecords(file: string, shown: string, delimiter: string): CsvRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new UserError(`csv dataset: cannot read ${shown} (${file}): ${reason}`);
  }
  try {
    const records = parseCsv(text, delimiter);
    if (records.length === 0) throw new UserError(`${shown} is empty`);
    return records;
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new UserError(`${shown}:${error.line}: ${error.message}`);
    throw error;
  }
}

function labelColumnIndex(labelColumn: string | number | undefined, names: readonly string[], header: boolean, shown: string): number {
  if (labelColumn === undefined) return names.length - 1;
  if (typeof labelColumn === 'number') {
    if (labelColumn >= names.length) throw new UserError(`labelColumn ${labelColumn} is past the last column of ${shown} (it has ${names.length}, indexed from 0)`);
    return labelColumn;
  }
  if (!header) throw new UserError(`labelColumn "${labelColumn}" is a name, but ${shown} has no header row (header: false); give a 0-based index`);
  const index = names.indexOf(labelColumn);
  if (index < 0) throw new UserError(`${shown} has no column "${labelColumn}"; ${suggestion(labelColumn, names)}`);
  return index;
}
