// A run that names the native backend, end to end: it computes on TensorFlow when @tensorflow/tfjs-node is installed
// and stops before any run exists, with the command that installs it, when it is not. CI runs this file once without
// the package and once more after `npm run setup:native`.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, smallExperiment, writeManifest } from './support/cli.js';
import { installedVersion } from './support/installed-backends.js';

const nativeVersion = installedVersion('@tensorflow/tfjs-node');
const tfjsVersion = installedVersion('@tensorflow/tfjs');

/** What `--set backend=tensorflow` must do here. */
const expected =
  nativeVersion === null
    ? {
        code: 2,
        stderr: `backend "tensorflow" needs the optional package @tensorflow/tfjs-node, which is not installed; run \`npm install @tensorflow/tfjs-node@${tfjsVersion}\`\n  hint: where storage.googleapis.com is unreachable, \`npm run setup:native\` in a distill checkout builds it from npm and PyPI files\n`,
        runs: [],
      }
    : {
        code: 0,
        stderr: expect.stringContaining('backend: tensorflow — requested "tensorflow"\n'),
        runs: [expect.objectContaining({ status: 'FINISHED', backend: { name: 'tensorflow', reason: 'requested "tensorflow"', version: nativeVersion, threads: availableParallelism() } })],
      };

describe(`distill run --set backend=tensorflow (@tensorflow/tfjs-node ${nativeVersion ?? 'not installed'})`, () => {
  it(nativeVersion === null ? 'exits 2 naming the package and how to install it, before any run exists' : 'trains on the native backend and records it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'runs-'));
    const result = await runCli(['run', writeManifest(smallExperiment()), '--set', 'backend=tensorflow', '--out', out]);
    const runs = readdirSync(out).map((runId) => JSON.parse(readFileSync(join(out, runId, 'summary.json'), 'utf8')) as unknown);
    expect({ code: result.code, stderr: result.stderr, runs }).toEqual(expected);
  });
});
