// Splits CSV text into records (RFC 4180: quoted fields may hold commas, doubled quotes and line breaks), each with the
// 1-based line it starts on, so errors can point at the file's own line numbers. Blank lines are skipped.
// A well-kept parser (`csv-parse`, its `csv-parse/sync` API with `info: true` for line numbers) would replace this file
// once it is a dependency.

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
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let cellWasQuoted = false;
  const endCell = () => {
    cells.push(cellWasQuoted ? cell : cell.trim());
    cell = '';
    cellWasQuoted = false;
  };
  const endRecord = () => {
    endCell();
    if (cells.length > 1 || cells[0] !== '') records.push({ line: recordLine, cells });
    cells = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cellWasQuoted = true;
      cell = '';
    } else if (ch === delimiter) {
      endCell();
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else if (!(cellWasQuoted && (ch === ' ' || ch === '\t'))) {
      // spaces between a closing quote and the delimiter are padding, not content
      cell += ch;
    }
  }
  if (quoted) throw new CsvSyntaxError(recordLine, 'a quoted cell is not closed');
  if (cell !== '' || cells.length > 0) endRecord();
  return records;
}
