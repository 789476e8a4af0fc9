// The code of docs/deploy.md, run as written against an exported student: the browser snippet in a real headless
// chromium (page and model served by an HTTP server this test starts, tfjs from node_modules instead of the CDN), the
// Node snippet in its own Node process with plain @tensorflow/tfjs. Both must classify the test split exactly as the
// run's evaluation of that export did.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync, createReadStream } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlugin, type Dataset } from '@distill/core';
import synthetic from '../plugins/src/datasets/synthetic.js';
import { repoRoot, runCli, smallExperiment, writeManifest } from './support/cli.js';
import { CHROMIUM_ARGS, ensureChromium } from './setup/chromium.js';

const DATA = { numFeatures: 12, numClasses: 4, samplesPerClass: 120, labelsPerClass: 10 };
const docs = readFileSync(join(repoRoot, 'docs/deploy.md'), 'utf8');

/** Opens `url` in headless chromium with a throwaway profile; stop it with `kill()` once the page has reported back. */
function openHeadless(binary: string, url: string): ChildProcess {
  return spawn(binary, [...CHROMIUM_ARGS, `--user-data-dir=${mkdtempSync(join(tmpdir(), 'chromium-profile-'))}`, url], { stdio: 'ignore' });
}

/** The first fenced block of `language` after `heading`. */
function snippet(heading: string, language: string): string {
  const section = docs.slice(docs.indexOf(heading));
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(section);
  if (!match) throw new Error(`docs/deploy.md has no ${language} block after "${heading}"`);
  return match[1];
}

let exportDir: string;
let rows: number[][];
let labels: Int32Array;
let accuracy: number;

beforeAll(async () => {
  const out = mkdtempSync(join(tmpdir(), 'distill-deploy-'));
  const result = await runCli(['run', writeManifest(smallExperiment({ backend: 'cpu', dataset: { type: 'synthetic', params: DATA }, export: { quantize: ['uint8'] } })), '--out', out, '--quiet']);
  expect(result.code, result.stderr).toBe(0);
  const runDir = join(out, /run directory: (.*)/.exec(result.stdout)![1].split('/').pop()!);
  exportDir = join(runDir, 'export', 'uint8');
  accuracy = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')).metrics['export/uint8/test/accuracy'];
  const dataset = (await buildPlugin(synthetic, DATA)) as Dataset;
  rows = Array.from({ length: dataset.test.count }, (_, i) => Array.from(dataset.test.x.subarray(i * DATA.numFeatures, (i + 1) * DATA.numFeatures)));
  labels = dataset.test.y;
});

const accuracyOf = (classes: number[]) => classes.filter((c, i) => c === labels[i]).length / classes.length;

describe('docs/deploy.md', () => {
  it('the Node snippet, in its own process with plain tfjs, classifies as the run evaluated the export', async () => {
    // Beside node_modules, so that `@tensorflow/tfjs` resolves as in a user's project.
    const dir = join(repoRoot, 'node_modules', '.cache', `deploy-docs-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'classify.mjs'), snippet('## Loading the student in Node', 'js'));
    writeFileSync(join(dir, 'rows.json'), JSON.stringify(rows));
    writeFileSync(join(dir, 'main.mjs'), [
      "import { readFileSync } from 'node:fs';",
      "import { classify, loadStudent } from './classify.mjs';",
      'const model = await loadStudent(process.argv[2]);',
      "console.log(JSON.stringify(await classify(model, JSON.parse(readFileSync(new URL('./rows.json', import.meta.url), 'utf8')))));",
    ].join('\n'));
    const { stdout } = await promisify(execFile)(process.execPath, [join(dir, 'main.mjs'), exportDir], { encoding: 'utf8', timeout: 120_000 });
    expect(accuracyOf(JSON.parse(stdout))).toBe(accuracy);
  });

  describe('the browser snippet', () => {
    let server: Server;
    let reported: Promise<string>;

    beforeAll(async () => {
      let report!: (body: string) => void;
      reported = new Promise((resolve) => (report = resolve));
      const page = snippet('## Loading the student in a browser', 'html')
        .replace(/src="https:\/\/cdn\.jsdelivr\.net\/[^"]*"/, 'src="/tf.min.js"')
        + "<script>\n  fetch('/rows.json').then((r) => r.json()).then(async (rows) => {\n"
        + "    const classes = await classify(await loadStudent('/model/model.json'), rows);\n"
        + "    await fetch('/result', { method: 'POST', body: JSON.stringify({ backend: tf.getBackend(), classes }) });\n"
        + "  }).catch((error) => fetch('/result', { method: 'POST', body: JSON.stringify({ error: String(error) }) }));\n</script>\n";
      server = createServer((request, response) => {
        const path = new URL(request.url!, 'http://x').pathname;
        if (request.method === 'POST' && path === '/result') {
          let body = '';
          request.on('data', (chunk) => (body += chunk));
          request.on('end', () => {
            response.writeHead(204).end();
            report(body);
          });
          return;
        }
        if (path === '/') return void response.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><html><body>${page}</body></html>`);
        if (path === '/rows.json') return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows));
        const file = path === '/tf.min.js'
          ? join(repoRoot, 'node_modules/@tensorflow/tfjs/dist/tf.min.js')
          : path.startsWith('/model/') ? join(exportDir, normalize(path.slice('/model/'.length)).replace(/^(\.\.[/\\])+/, '')) : '';
        if (!file || !existsSync(file)) return void response.writeHead(404).end();
        response.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'application/octet-stream' });
        createReadStream(file).pipe(response);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });

    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('in headless chromium, classifies as the run evaluated the export', async () => {
      const chromium = ensureChromium((line) => process.stderr.write(`[chromium] ${line}\n`));
      const browser = openHeadless(chromium, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      try {
        const timeout = new Promise<string>((_, reject) => setTimeout(() => reject(new Error('the page did not report within 90 s')), 90_000).unref());
        const result = JSON.parse(await Promise.race([reported, timeout])) as { backend?: string; classes?: number[]; error?: string };
        expect(result.error).toBeUndefined();
        expect(result.backend).toMatch(/^(webgl|cpu)$/);
        // A GPU may round differently from the CPU; the classes must still be those of the run's evaluation.
        expect(accuracyOf(result.classes!)).toBe(accuracy);
      } finally {
        browser.kill();
      }
    });
  });
});
