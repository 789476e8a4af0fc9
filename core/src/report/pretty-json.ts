// JSON laid out for reading: indented, with short arrays and flat objects on one line (`"hidden": [256]`).

const INLINE_WIDTH = 72;

export function prettyJson(value: unknown, indent = ''): string {
  const inline = JSON.stringify(value);
  if (inline === undefined) return 'null';
  if (value === null || typeof value !== 'object') return inline;
  const flat = Object.values(value).every((v) => isScalar(v) || (!Array.isArray(value) && Array.isArray(v) && v.every(isScalar)));
  if (flat && inline.length + indent.length <= INLINE_WIDTH) return Array.isArray(value) ? inlineArray(value) : spaced(value as Record<string, unknown>);
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((v) => `${inner}${prettyJson(v, inner)}`).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${prettyJson(v, inner)}`).join(',\n')}\n${indent}}`;
}

function spaced(object: Record<string, unknown>): string {
  const entries = Object.entries(object);
  return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${Array.isArray(v) ? inlineArray(v) : JSON.stringify(v)}`).join(', ')} }`;
}

function inlineArray(values: readonly unknown[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}
