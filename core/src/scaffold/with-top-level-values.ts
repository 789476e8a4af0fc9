// Sets top-level members of a JSON object's text and keeps everything else as written (order, layout, spacing), so a
// manifest copied by `distill init experiment` reads like the one it came from.
import { parse } from '@humanwhocodes/momoa';

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** `text` with each key of `values` replaced in place, or, when absent, added first in the object. */
export function withTopLevelValues(text: string, values: Readonly<Record<string, unknown>>): string {
  const body = parse(text, { mode: 'json' }).body;
  if (body.type !== 'Object') throw new Error('expected a JSON object');
  const edits: Edit[] = [];
  const added: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const member = body.members.find((candidate) => candidate.name.type === 'String' && candidate.name.value === key);
    if (member) edits.push({ start: member.value.loc.start.offset, end: member.value.loc.end.offset, text: inline(value) });
    else added.push(`${JSON.stringify(key)}: ${inline(value)}`);
  }
  if (added.length > 0) {
    const first = body.members[0];
    const indent = first ? text.slice(text.lastIndexOf('\n', first.loc.start.offset) + 1, first.loc.start.offset) : '  ';
    const at = body.loc.start.offset + 1;
    const members = added.map((member) => `\n${indent}${member}`).join(',');
    edits.push({ start: at, end: at, text: first ? `${members},` : `${members}\n` });
  }
  return edits.sort((a, b) => b.start - a.start).reduce((result, edit) => result.slice(0, edit.start) + edit.text + result.slice(edit.end), text);
}

/** One line of JSON with a space after commas in arrays: `["./a.ts", "./b.ts"]`. */
function inline(value: unknown): string {
  return Array.isArray(value) ? `[${value.map((item) => JSON.stringify(item)).join(', ')}]` : JSON.stringify(value);
}
