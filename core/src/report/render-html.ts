// A page model as one self-contained HTML file: the markup rendered here, the charts' Vega-Lite specs as JSON in the
// page, and the charting libraries, stylesheet and script inlined. A Content-Security-Policy lets the page load
// nothing from anywhere: it is complete on its own, and a report that tried to fetch something would say so in the
// console instead of silently depending on a network.
import { distillVersion } from '../version.js';
import { escapeHtml as e, inlineScript, scriptJson } from './html.js';
import type { Block, Cell, Chart, Column, ReportPage, Section, Table } from './page-model.js';
import { reportAssets } from './report-assets.js';

const KIND_LABEL = { run: 'run report', comparison: 'run comparison', sweep: 'sweep report' } as const;

// 'unsafe-eval': Vega compiles its expressions to functions. Nothing may be fetched: no connect, font, or remote image.
const CSP = "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:";

export function renderHtml(page: ReportPage, generatedAt = new Date()): string {
  const assets = reportAssets();
  const charts = page.sections.flatMap((s) => s.blocks.flatMap((b) => (b.kind === 'charts' ? b.charts : [])));
  const specs = Object.fromEntries(charts.map((chart) => [chart.id, chart.spec]));
  const libraries = assets.libraries.map((l) => `${l.name} ${l.version}`).join(', ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="generator" content="distill ${e(distillVersion())}">
<title>${e(page.title)} · distill ${KIND_LABEL[page.kind]}</title>
<style>${assets.style}</style>
</head>
<body data-report-kind="${page.kind}" data-report-state="loading">
<div class="page">
${masthead(page)}
${page.notices.length ? `<div class="notices">${page.notices.map(notice).join('')}</div>` : ''}
<main>
${page.sections.map(section).join('\n')}
</main>
<footer class="footer">Written by distill ${e(distillVersion())} on ${e(generatedAt.toISOString().slice(0, 16).replace('T', ' '))} UTC from ${page.sources.map((s) => `<code>${e(s)}</code>`).join(', ')}. Charts: ${e(libraries)}; everything is inside this file.</footer>
</div>
<script type="application/json" id="report-charts">${scriptJson(specs)}</script>
${assets.libraries.map((l) => `<script data-library="${e(l.name)}">${inlineScript(l.source)}</script>`).join('\n')}
<script>${inlineScript(assets.script)}</script>
</body>
</html>
`;
}

function masthead(page: ReportPage): string {
  const status = page.status ? ` <span class="status tone-${page.status.tone}">${e(page.status.text)}</span>` : '';
  const facts = page.facts.map((f) => `<div><dt>${e(f.label)}</dt><dd>${e(f.value)}</dd></div>`).join('');
  const toc = page.sections.map((s) => `<a href="#${e(s.id)}">${e(s.title)}</a>`).join('');
  return `<header class="masthead">
<div class="eyebrow">distill · ${KIND_LABEL[page.kind]}</div>
<h1>${e(page.title)}${status}</h1>
${page.description ? `<p class="description">${e(page.description)}</p>` : ''}
<dl class="facts">${facts}</dl>
<nav class="toc" aria-label="sections">${toc}</nav>
</header>`;
}

function notice(n: ReportPage['notices'][number]): string {
  return `<div class="notice tone-${n.tone}" role="note"><strong>${e(n.title)}</strong>${n.lines.map((line) => `<p>${e(line)}</p>`).join('')}</div>`;
}

function section(s: Section): string {
  return `<section class="section" id="${e(s.id)}">
<h2>${e(s.title)}</h2>
${s.intro ? `<p class="intro">${e(s.intro)}</p>` : ''}
${s.blocks.map(block).join('\n')}
</section>`;
}

function block(b: Block): string {
  switch (b.kind) {
    case 'stats':
      return `<div class="stats">${b.stats.map((s) => `<div class="stat${s.tone ? ` tone-${s.tone}` : ''}"><div class="stat-label">${e(s.label)}</div><div class="stat-value">${e(s.value)}${s.unit ? `<span class="stat-unit">${e(s.unit)}</span>` : ''}</div>${s.detail ? `<div class="stat-detail">${e(s.detail)}</div>` : ''}</div>`).join('')}</div>`;
    case 'charts':
      return `<div class="charts">${b.charts.map(chart).join('')}</div>`;
    case 'table':
      return table(b.table);
    case 'note':
      return `<p class="note">${e(b.text)}</p>`;
    case 'code':
      return `<details class="code"${b.open ? ' open' : ''}><summary>${e(b.title)}</summary><pre><code>${e(b.text)}</code></pre></details>`;
    case 'command':
      return `<p class="command-caption">${e(b.caption)}</p><pre class="command"><code>${e(b.text)}</code></pre>`;
    case 'heading':
      return `<h3 class="block-heading">${e(b.text)}${b.detail ? ` <span>${e(b.detail)}</span>` : ''}</h3>`;
  }
}

function chart(c: Chart): string {
  return `<figure class="chart width-${c.width ?? 'full'}" id="chart-${e(c.id)}" data-chart="${e(c.id)}">
<figcaption><h4>${e(c.title)}</h4>${c.caption ? `<p>${e(c.caption)}</p>` : ''}</figcaption>
<div class="chart-canvas"></div>
</figure>`;
}

function table(t: Table): string {
  const head = t.columns.map((c, i) => headerCell(c, i, t.sortable === true)).join('');
  const rows = t.rows.map((r) => `<tr${r.marks?.length ? ` class="${r.marks.map((m) => `row-${e(m)}`).join(' ')}"` : ''}>${r.cells.map((c, i) => cell(c, t.columns[i])).join('')}</tr>`).join('\n');
  return `<div class="table-wrap"><table id="${e(t.id)}" class="data-table${t.sortable ? ' sortable' : ''}${t.compact ? ' compact' : ''}">${t.caption ? `<caption>${e(t.caption)}</caption>` : ''}
<thead><tr>${head}</tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
}

function headerCell(c: Column, index: number, sortable: boolean): string {
  const attributes = `${c.numeric ? ' class="numeric"' : ''}${c.title ? ` title="${e(c.title)}"` : ''}`;
  if (!sortable) return `<th scope="col"${attributes}>${e(c.label)}</th>`;
  return `<th scope="col"${attributes} data-column="${index}" data-type="${c.numeric ? 'number' : 'text'}" aria-sort="none"><button type="button">${e(c.label)}<span class="sort-arrow" aria-hidden="true"></span></button></th>`;
}

function cell(c: Cell, column: Column | undefined): string {
  const classes = [column?.numeric ? 'numeric' : '', c.tone ? `tone-${c.tone}` : ''].filter(Boolean).join(' ');
  const sort = c.sort === undefined ? '' : ` data-sort="${e(typeof c.sort === 'number' && !Number.isFinite(c.sort) ? '' : String(c.sort))}"`;
  const swatch = c.swatch ? `<span class="swatch" style="background:${e(c.swatch)}"></span>` : '';
  const text = c.code ? `<code>${e(c.text)}</code>` : e(c.text);
  const badge = c.badge ? ` <span class="badge tone-${c.badge.tone}">${e(c.badge.text)}</span>` : '';
  return `<td${classes ? ` class="${classes}"` : ''}${sort}${c.title ? ` title="${e(c.title)}"` : ''}>${swatch}${text}${badge}</td>`;
}
