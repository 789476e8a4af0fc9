// Every relative link and anchor in README.md and docs/*.md leads somewhere, by GitHub's rules for heading anchors; and
// the pages are for users: they cite no work items of ours (an upstream project's `owner/repo#123` is a reference).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/cli.js';
import { anchors, brokenLinks } from './support/markdown-links.js';

const pages = ['README.md', ...readdirSync(join(repoRoot, 'docs')).filter((file) => file.endsWith('.md')).map((file) => `docs/${file}`)];

describe('links in the documentation', () => {
  it.each(pages)('%s: every relative link and #anchor resolves', (page) => {
    expect(brokenLinks(join(repoRoot, page)).map(({ line, href, problem }) => `${page}:${line}: ${href}: ${problem}`)).toEqual([]);
  });

  it.each(pages)('%s names no work item of ours', (page) => {
    const lines = readFileSync(join(repoRoot, page), 'utf8').split('\n');
    const cited = lines.flatMap((line, i) => (/\b(issue|ticket|milestone) #?\d+|(^|[\s(])#\d+\b/i.test(line) ? [`${page}:${i + 1}: ${line.trim()}`] : []));
    expect(cited).toEqual([]);
  });

  it('the checker finds a missing file, a missing anchor, and accepts GitHub\'s anchors (code spans, punctuation, repeats)', () => {
    const text = '# Use `distill` here!\n\n## Setup\n\n## Setup\n\n[a](#use-distill-here) [b](#setup-1) [c](#nope) [d](missing.md) [e](https://example.com/x.md)\n';
    expect([...anchors(text)]).toEqual(['use-distill-here', 'setup', 'setup-1']);
    expect(brokenLinks(join(repoRoot, 'docs/page.md'), text).map((link) => `${link.href}: ${link.problem}`)).toEqual(['#nope: no heading #nope in this file', 'missing.md: no file missing.md']);
  });
});
