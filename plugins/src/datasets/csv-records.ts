// CSV text → records, each with the 1-based line it starts on so errors point at the file's own line numbers.
// Parsing (RFC 4180 quoting, embedded delimiters and line breaks) is csv-parse's; blank lines are skipped.
import { parse } from 'csv-parse/sync';
import { CsvError } from 'csv-parse';

export interface CsvRecord {
  readonly line: number;
  readonly cells: readonly string[];
}

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

export function parseCsv(text: string, delimiter = ','): CsvRecord[] {
  try {
    const rows = parse(text, {
      delimiter,
      info: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      raw: true,
    }) as unknown as { record: string[]; info: { lines: number; raw?: string } }[];
    return rows.map(({ record, info }) => ({ line: startLine(info), cells: record }));
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines ?? 0;
      throw new CsvSyntaxError(line, describe(error));
    }
    throw error;
  }
}

// csv-parse reports the line a record ends on; a quoted cell with line breaks starts earlier.
function startLine(info: { lines: number; raw?: string }): number {
  const raw = (info.raw ?? '').replace(/(\r\n|\r|\n)$/, '');
  const breaks = (raw.match(/\r\n|\r|\n/g) ?? []).length;
  return info.lines - breaks;
}

function describe(error: CsvError): string {
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') return 'a quoted cell is not closed';
  return error.message.replace(/^Invalid Record Length: /, '');
}
