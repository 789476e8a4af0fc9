// A parsed JSON document that remembers where every value and key came from, so issues can name line and column.
import { evaluate, parse, type DocumentNode, type MemberNode, type ValueNode } from '@humanwhocodes/momoa';
import { fromPointer, toPointer } from './json-pointer.js';

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export interface LocatedPosition extends SourcePosition {
  /** False when the pointer is not in the source and the position is that of its nearest ancestor. */
  readonly exact: boolean;
}

/** Thrown by `JsonSource.parse` for text that is not JSON; positions are 1-based. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

export class JsonSource {
  private constructor(private readonly document: DocumentNode) {}

  static parse(text: string): JsonSource {
    try {
      return new JsonSource(parse(text, { mode: 'json' }));
    } catch (error) {
      throw toSyntaxError(error, text);
    }
  }

  /** The parsed value (for a duplicated key, the last one wins, as with `JSON.parse`). */
  value(): unknown {
    return evaluate(this.document.body);
  }

  has(pointer: string): boolean {
    return this.walk(pointer).exact;
  }

  /** Where the value at `pointer` starts (or, with `at: 'key'`, its key), falling back to the nearest ancestor. */
  locate(pointer: string, at: 'value' | 'key' = 'value'): LocatedPosition {
    const { node, member, exact } = this.walk(pointer);
    const target = at === 'key' && exact && member ? member.name : node;
    return { line: target.loc.start.line, column: target.loc.start.column, exact };
  }

  /** Keys that appear twice in one object: JSON parsers silently keep the last, which hides mistakes. */
  duplicateKeys(): { pointer: string; position: SourcePosition }[] {
    const found: { pointer: string; position: SourcePosition }[] = [];
    const visit = (node: ValueNode, path: (string | number)[]) => {
      if (node.type === 'Array') node.elements.forEach((element, index) => visit(element.value, [...path, index]));
      if (node.type !== 'Object') return;
      const seen = new Set<string>();
      for (const member of node.members) {
        const key = memberKey(member);
        if (seen.has(key)) found.push({ pointer: toPointer([...path, key]), position: member.name.loc.start });
        seen.add(key);
        visit(member.value, [...path, key]);
      }
    };
    visit(this.document.body, []);
    return found;
  }

  private walk(pointer: string): { node: ValueNode; member?: MemberNode; exact: boolean } {
    let node: ValueNode = this.document.body;
    let member: MemberNode | undefined;
    for (const segment of fromPointer(pointer)) {
      const next = childOf(node, segment);
      if (!next) return { node, member, exact: false };
      ({ node, member } = next);
    }
    return { node, member, exact: true };
  }
}

function childOf(node: ValueNode, segment: string): { node: ValueNode; member?: MemberNode } | undefined {
  if (node.type === 'Object') {
    const member = node.members.findLast((candidate) => memberKey(candidate) === segment);
    return member && { node: member.value, member };
  }
  if (node.type === 'Array' && /^(0|[1-9]\d*)$/.test(segment)) {
    const element = node.elements[Number(segment)];
    return element && { node: element.value };
  }
  return undefined;
}

function memberKey(member: MemberNode): string {
  return member.name.type === 'String' ? member.name.value : member.name.name;
}

const TOKEN_TEXT: Record<string, string> = {
  LBrace: '"{"',
  RBrace: '"}"',
  LBracket: '"["',
  RBracket: '"]"',
  Colon: '":"',
  Comma: '","',
  String: 'string',
  Number: 'number',
  Boolean: 'boolean',
  Null: 'null',
};

// momoa says `Unexpected token RBrace found. (2:7)`; users read `unexpected "}"` better, with a word on trailing commas.
function toSyntaxError(error: unknown, text: string): unknown {
  const located = error as { message?: string; line?: number; column?: number; offset?: number };
  if (typeof located.line !== 'number' || typeof located.column !== 'number' || typeof located.message !== 'string') return error;
  let what = located.message.replace(/\s*\(\d+:\d+\)$/, '').replace(/\.$/, '').replace(/ found$/, '');
  what = what.replace(/^Unexpected token (\w+)/, (_, token: string) => `unexpected ${TOKEN_TEXT[token] ?? token}`);
  what = what.replace(/^Unexpected/, 'unexpected');
  const before = text.slice(0, located.offset ?? 0).trimEnd();
  if (/^unexpected "[}\]]"/.test(what) && before.endsWith(',')) what += ' after ","; JSON does not allow trailing commas';
  return new JsonSyntaxError(what, located.line, located.column);
}
