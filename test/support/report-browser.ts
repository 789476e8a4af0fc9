// Opens distill's HTML reports in a real headless Chromium (Debian's, driven by playwright-core) and reads what it
// drew: every console message and page error, every request the page made, and the marks of each chart as SVG
// elements (Vega draws them with aria labels that carry each mark's data).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../setup/chromium.js';
import { repoRoot } from './cli.js';

/** Where the tests save their screenshots (kept out of git). */
export const SCREENSHOT_DIR = join(repoRoot, 'test-results', 'report-screenshots');

export interface OpenedReport {
  readonly page: Page;
  /** `ready` once every chart is drawn; `error` when one could not be. */
  readonly state: string;
  /** console.error and console.warn messages, and uncaught page errors. */
  readonly problems: readonly string[];
  /** Every URL the page requested, the report file itself included. */
  readonly requests: readonly string[];
  readonly url: string;
}

export class ReportBrowser {
  private constructor(private readonly browser: Browser) {}

  static async launch(): Promise<ReportBrowser> {
    return new ReportBrowser(await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }));
  }

  async open(file: string, width = 1280): Promise<OpenedReport> {
    const page = await this.browser.newPage({ viewport: { width, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => requests.push(request.url()));
    const url = pathToFileURL(file).href;
    await page.goto(url);
    await page.waitForSelector('body:not([data-report-state="loading"])', { timeout: 60_000 });
    const state = (await page.getAttribute('body', 'data-report-state')) ?? '';
    return { page, state, problems, requests, url };
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

/** The ids of the charts on the page, in order. */
export function chartIds(page: Page): Promise<string[]> {
  return page.$$eval('figure[data-chart]', (figures) => figures.map((f) => f.getAttribute('data-chart')!));
}

/** The ids of the charts Vega finished drawing (an SVG in the figure). */
export function renderedCharts(page: Page): Promise<string[]> {
  return page.$$eval('figure[data-chart][data-rendered="true"]', (figures) => figures.filter((f) => f.querySelector('svg.marks')).map((f) => f.getAttribute('data-chart')!));
}

/** The aria labels of the marks a chart's layer drew (`name` is the layer's name in the spec: `epoch-points`). */
export function markLabels(page: Page, chart: string, layer: string): Promise<string[]> {
  const group = `g.${layer.replace(/-/g, '_')}_marks`;
  return page.$$eval(`figure[data-chart="${chart}"] ${group} > path, figure[data-chart="${chart}"] ${group} > text`, (marks) =>
    marks.map((m) => m.getAttribute('aria-label') ?? ''),
  );
}

/**
 * The lines of a line layer: per path, its label (the first point's data) and its vertex count, read from the path's
 * `d` (one M, then an L per further point: the layers use linear interpolation).
 */
export function lineVertices(page: Page, chart: string, layer: string): Promise<{ label: string; vertices: number }[]> {
  const group = `g.${layer.replace(/-/g, '_')}_marks`;
  return page.$$eval(`figure[data-chart="${chart}"] ${group} path`, (paths) =>
    paths.map((p) => ({ label: p.getAttribute('aria-label') ?? '', vertices: (p.getAttribute('d') ?? '').match(/[ML]/g)?.length ?? 0 })),
  );
}

/** `key: value` pairs of a mark's aria label (`epoch: 2; validation: 88.7%; series: accuracy`). */
export function labelFields(label: string): Record<string, string> {
  return Object.fromEntries(label.split('; ').map((part) => {
    const at = part.indexOf(': ');
    return [part.slice(0, at), part.slice(at + 2)];
  }));
}

export async function screenshot(report: OpenedReport, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  await report.page.screenshot({ path: file, fullPage: true });
  return file;
}
