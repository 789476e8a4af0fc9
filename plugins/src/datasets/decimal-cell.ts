// A CSV cell read as a number only when it is written as a plain decimal (`12`, `-0.5`, `3e-4`): JavaScript's
// Number() also accepts `0x1F`, `0b11`, `Infinity` and surrounding blanks, which would silently change the data.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export type DecimalCell = { readonly value: number } | { readonly problem: string };

export function decimalCell(text: string): DecimalCell {
  if (text === '') return { problem: 'empty cell' };
  if (!DECIMAL.test(text)) return { problem: `"${text}" is not a decimal number` };
  const value = Number(text);
  if (!Number.isFinite(value)) return { problem: `${text} is out of range (beyond ±${Number.MAX_VALUE.toExponential(3)})` };
  return { value };
}

export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}
