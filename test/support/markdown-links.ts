// The relative links of a Markdown file that lead nowhere: a file that does not exist, or a `#fragment` that is no
// heading of its target, with headings turned into anchors by GitHub's rules (github-slugger).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import GithubSlugger from 'github-slugger';
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';

const markdown = new MarkdownIt({ html: true });

export interface BrokenLink {
  readonly file: string;
  readonly line: number;
  readonly href: string;
  readonly problem: string;
}

/** Every broken relative link of `file` (links with a scheme, such as https:, are not followed). */
export function brokenLinks(file: string, text = readFileSync(file, 'utf8')): BrokenLink[] {
  const broken: BrokenLink[] = [];
  for (const { href, line } of relativeLinks(markdown.parse(text, {}))) {
    const [path, fragment] = splitFragment(decodeURIComponent(href));
    const target = path === '' ? file : resolve(dirname(file), path);
    if (path !== '' && !existsSync(target)) {
      broken.push({ file, line, href, problem: `no file ${path}` });
    } else if (fragment !== undefined && !anchors(path === '' ? text : markdownText(target)).has(fragment)) {
      broken.push({ file, line, href, problem: `no heading #${fragment} in ${path || 'this file'}` });
    }
  }
  return broken;
}

/** The text of a Markdown target; a folder or another kind of file has no headings. */
function markdownText(target: string): string {
  return statSync(target).isFile() && target.endsWith('.md') ? readFileSync(target, 'utf8') : '';
}

/** The anchors GitHub gives the headings of a Markdown text. */
export function anchors(text: string): Set<string> {
  const slugger = new GithubSlugger();
  const tokens = markdown.parse(text, {});
  const found = new Set<string>();
  tokens.forEach((token, i) => {
    if (token.type === 'heading_open') found.add(slugger.slug(plainText(tokens[i + 1])));
  });
  return found;
}

function relativeLinks(tokens: readonly Token[]): { href: string; line: number }[] {
  const links: { href: string; line: number }[] = [];
  for (const block of tokens) {
    for (const token of block.children ?? []) {
      const href = token.type === 'link_open' ? token.attrGet('href') : token.type === 'image' ? token.attrGet('src') : null;
      if (href && !/^[a-z][a-z0-9+.-]*:/i.test(href)) links.push({ href, line: (block.map?.[0] ?? 0) + 1 });
    }
  }
  return links;
}

function splitFragment(href: string): [string, string | undefined] {
  const at = href.indexOf('#');
  return at < 0 ? [href, undefined] : [href.slice(0, at), href.slice(at + 1)];
}

/** A heading's text as GitHub reads it for the anchor: the text of its inline content, code spans included. */
function plainText(inline: Token): string {
  return (inline.children ?? []).filter((child) => child.type === 'text' || child.type === 'code_inline').map((child) => child.content).join('');
}
