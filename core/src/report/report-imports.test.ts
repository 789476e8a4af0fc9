// `distill report` only reads files: neither the report code nor the command may load TensorFlow.js (slow to load,
// and a native build that may be missing). Checked on the source: every module the command imports, transitively.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('..', import.meta.url));

/** Every module reachable from `entry` through relative imports (type-only imports aside), with its bare imports. */
function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string) => {
    if (graph.has(file)) return;
    const text = readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)'/gms), ...text.matchAll(/import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]);
    graph.set(file, specifiers.filter((s) => !s.startsWith('.')));
    for (const s of specifiers.filter((s) => s.startsWith('.'))) visit(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
  };
  visit(entry);
  return graph;
}

describe('the report command', () => {
  it('imports no TensorFlow.js, directly or through another module', () => {
    const graph = importGraph(join(SRC, 'cli', 'report-command.ts'));
    expect(graph.size).toBeGreaterThan(10);
    const tfjs = [...graph].filter(([, bare]) => bare.some((s) => s.startsWith('@tensorflow/'))).map(([file]) => file.slice(SRC.length));
    expect(tfjs).toEqual([]);
  });

  it('is checked by a walk that does find tfjs where it is imported', () => {
    const graph = importGraph(join(SRC, 'run', 'final-evaluation.ts'));
    expect([...graph.values()].flat()).toContain('@tensorflow/tfjs');
  });
});
