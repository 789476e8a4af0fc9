// What a report inlines besides its data: the charting libraries (Vega, Vega-Lite and vega-embed, their minified
// browser builds, read from node_modules) and the page's own stylesheet and script (core/assets/report/). Inlined, so
// the file opens from disk with no network and no other file beside it.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Library {
  readonly name: string;
  readonly version: string;
  readonly source: string;
}

export interface ReportAssets {
  readonly libraries: readonly Library[];
  readonly style: string;
  readonly script: string;
}

// Loaded in this order: vega-embed's browser build expects `vega` and `vegaLite` as globals.
const LIBRARIES = [
  { name: 'vega', file: 'vega.min.js' },
  { name: 'vega-lite', file: 'vega-lite.min.js' },
  { name: 'vega-embed', file: 'vega-embed.min.js' },
] as const;

// From core/src/report and core/dist/report alike, core's folder is two levels up.
const PAGE_ASSETS = fileURLToPath(new URL('../../assets/report/', import.meta.url));

let cached: ReportAssets | undefined;

export function reportAssets(): ReportAssets {
  cached ??= {
    libraries: LIBRARIES.map(({ name, file }) => {
      // Each package's entry point sits in its build folder, beside the minified browser build.
      const buildDir = dirname(fileURLToPath(import.meta.resolve(name)));
      const version = (JSON.parse(readFileSync(join(buildDir, '..', 'package.json'), 'utf8')) as { version: string }).version;
      return { name, version, source: readFileSync(join(buildDir, file), 'utf8') };
    }),
    style: readFileSync(join(PAGE_ASSETS, 'report.css'), 'utf8'),
    script: readFileSync(join(PAGE_ASSETS, 'report.js'), 'utf8'),
  };
  return cached;
}
