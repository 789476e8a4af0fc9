// One vitest run for the whole workspace: unit tests beside the sources, end-to-end tests in test/.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Unit tests import the workspace packages from source, so no build is needed between an edit and a test. Subpaths
// first: an alias also matches the imports that start with it.
const coreSubpaths = ['manifest', 'run', 'sweep', 'tracking', 'backend'];
const alias = [
  ...coreSubpaths.map((name) => ({ find: `@distill/core/${name}`, replacement: source(`./core/src/${name}/index.ts`) })),
  { find: /^@distill\/core$/, replacement: source('./core/src/index.ts') },
  { find: /^@distill\/plugins$/, replacement: source('./plugins/src/index.ts') },
];

const setupFiles = ['test/support/quiet-tfjs.ts'];

export default defineConfig({
  test: {
    projects: [
      { resolve: { alias }, test: { name: 'core', include: ['core/src/**/*.test.ts'], exclude: ['core/src/backend/conformance/**'], setupFiles, testTimeout: 60_000 } },
      // Each kernel's forward and gradient on the backend named by DISTILL_TEST_BACKEND (default wasm) against cpu.
      { resolve: { alias }, test: { name: 'conformance', include: ['core/src/backend/conformance/**/*.test.ts'], setupFiles, testTimeout: 120_000 } },
      { resolve: { alias }, test: { name: 'plugins', include: ['plugins/src/**/*.test.ts'], setupFiles, testTimeout: 60_000 } },
      // Plugins written as users write them (the examples, and any `distill init plugin` puts under experiments/).
      { resolve: { alias }, test: { name: 'experiments', include: ['experiments/**/*.test.ts'], setupFiles, testTimeout: 60_000 } },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          globalSetup: ['test/setup/global-setup.ts'],
        },
      },
    ],
  },
});
