// Prints a JSON value as TypeScript source, the way the plugin templates write a params schema: unquoted keys where
// they are identifiers, single-quoted strings, the top level and its objects one member per line, deeper values on
// one line. A scaffold that also needs the value itself (to compose an editor schema before anything is installed)
// keeps one copy of it and prints the other.

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `value` as an object literal indented by `indent`, multi-line down to `depth` levels of nesting. */
export function typescriptLiteral(value: unknown, indent = '', depth = 2): string {
  if (typeof value === 'string') return quoted(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = indent + '  ';
  if (Array.isArray(value)) return `[${value.map((item) => typescriptLiteral(item, inner, 0)).join(', ')}]`;
  const members = Object.entries(value).map(([key, item]) => `${IDENTIFIER.test(key) ? key : quoted(key)}: ${typescriptLiteral(item, inner, depth - 1)}`);
  if (members.length === 0) return '{}';
  return depth > 0 ? `{\n${members.map((member) => `${inner}${member},`).join('\n')}\n${indent}}` : `{ ${members.join(', ')} }`;
}

// Single quotes, or double quotes for text with an apostrophe and no double quote (as Prettier writes them).
function quoted(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`).replace(/\n/g, '\\n');
  return `${quote}${escaped}${quote}`;
}
