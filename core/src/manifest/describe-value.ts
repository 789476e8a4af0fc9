// How a found value is shown in messages: `(got -1)`, `(got string "abc")`. Long values are cut short.

const LIMIT = 40;

/** The value as JSON, shortened: `-1`, `"gpu"`, `{"a":1}`. */
export function describeValue(value: unknown): string {
  // JSON has no Infinity (JSON.stringify writes null): `--set x=1e400` parses to one.
  if (typeof value === 'number' && !Number.isFinite(value)) return `${value} (out of range)`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > LIMIT ? `${text.slice(0, LIMIT - 1)}…` : text;
}

/** The value's JSON type, then the value for scalars: `string "abc"`, `number 1.5`, `object`, `null`. */
export function describeTyped(value: unknown): string {
  const type = jsonType(value);
  return type === 'object' || type === 'array' || type === 'null' ? type : `${type} ${describeValue(value)}`;
}

export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
