// Stand-ins for the optional native backend packages and for the NVIDIA driver's `nvidia-smi`, for the tests of
// the backend choices this machine cannot reach for real (tfjs-node-gpu with and without a GPU, a native package
// that is installed but broken). A stand-in project is a temporary directory whose node_modules holds the stand-ins
// plus a link to the real @tensorflow/tfjs they plug into; distill resolves optional packages from it when given it
// as `packagesFrom`. Stand-ins register a backend globally, so tests load them in a child process (`runInChild`).
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot, runNode } from './cli.js';

/**
 * working: tfjs's cpu backend and kernels registered as 'tensorflow', activated on import as tfjs-node does;
 * fails-to-load: throws on import, as tfjs-node does when libtensorflow cannot be loaded;
 * fails-to-initialise: registers a 'tensorflow' backend whose factory throws;
 * registers-nothing: loads but registers no backend (as a package bound to another copy of tfjs would);
 * miscomputes: like working, but its matrix products come out 0.1% too large.
 */
export type StandIn = 'working' | 'fails-to-load' | 'fails-to-initialise' | 'registers-nothing' | 'miscomputes';

export const STAND_IN_VERSION = '4.22.0-stand-in';
export const LOAD_FAILURE = 'libtensorflow.so.2: cannot open shared object file: No such file or directory';
export const INIT_FAILURE = 'TF_NewContext failed (stand-in)';

const WORKING = `const tf = require('@tensorflow/tfjs');
tf.registerBackend('tensorflow', () => Object.assign(tf.findBackendFactory('cpu')(), { firstUse: false }), 3); // no cpu banner
for (const kernel of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...kernel, backendName: 'tensorflow' });
tf.setBackend('tensorflow');
globalThis.distillStandIns = [...(globalThis.distillStandIns ?? []), require('./package.json').name];`;

const SOURCES: Record<StandIn, string> = {
  working: WORKING,
  miscomputes: `${WORKING}
const { kernelFunc } = tf.getKernel('BatchMatMul', 'cpu');
tf.unregisterKernel('BatchMatMul', 'tensorflow');
tf.registerKernel({ kernelName: 'BatchMatMul', backendName: 'tensorflow', kernelFunc: (args) => {
  const product = kernelFunc(args);
  const values = args.backend.data.get(product.dataId).values;
  for (let i = 0; i < values.length; i++) values[i] *= 1.001;
  return product;
} });`,
  'fails-to-load': `throw new Error(${JSON.stringify(LOAD_FAILURE)});`,
  'fails-to-initialise': `const tf = require('@tensorflow/tfjs');
tf.registerBackend('tensorflow', () => { throw new Error(${JSON.stringify(INIT_FAILURE)}); }, 3);
tf.setBackend('tensorflow');`,
  'registers-nothing': 'module.exports = {};',
};

const requireHere = createRequire(import.meta.url);

/** A temporary directory with node_modules/@tensorflow/{tfjs-node,tfjs-node-gpu} as asked, and no other native package. */
export function standInProject(packages: { '@tensorflow/tfjs-node'?: StandIn; '@tensorflow/tfjs-node-gpu'?: StandIn } = {}): string {
  const project = mkdtempSync(join(tmpdir(), 'distill-stand-ins-'));
  const scope = join(project, 'node_modules/@tensorflow');
  mkdirSync(scope, { recursive: true });
  // The stand-ins plug into the very tfjs distill uses, as the real packages do.
  symlinkSync(realpathSync(dirname(requireHere.resolve('@tensorflow/tfjs/package.json'))), join(scope, 'tfjs'), 'dir');
  for (const [name, kind] of Object.entries(packages)) {
    const dir = join(project, 'node_modules', name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: STAND_IN_VERSION, main: 'index.js' }));
    writeFileSync(join(dir, 'index.js'), `${SOURCES[kind]}\n`);
  }
  return project;
}

/** A directory holding only an executable `nvidia-smi` that prints `listing` (as `nvidia-smi -L` would), for PATH. */
export function standInNvidiaSmi(listing: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'distill-nvidia-smi-'));
  const file = join(dir, 'nvidia-smi');
  writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' ${shellQuote(listing)}\n`);
  chmodSync(file, 0o755);
  return dir;
}

/** A PATH on which no `nvidia-smi` can be found. */
export const PATH_WITHOUT_NVIDIA_SMI = mkdtempSync(join(tmpdir(), 'distill-empty-path-'));

const shellQuote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

/** The file: URL of a core source module, for scripts run by `runInChild`. */
export const coreSource = (path: string) => pathToFileURL(join(repoRoot, 'core/src', path)).href;

export interface ChildResult<T> {
  readonly value: T;
  readonly stderr: string;
}

/**
 * Runs an ES module script in a fresh Node that can import TypeScript (tsx) and returns the JSON the script passes
 * to `report(value)`. `PATH` in `env` replaces the child's PATH (where it looks for nvidia-smi).
 */
export async function runInChild<T>(script: string, env: NodeJS.ProcessEnv = {}): Promise<ChildResult<T>> {
  const marker = 'child-report:';
  const source = `const report = (value) => console.log(${JSON.stringify(marker)} + JSON.stringify(value));\n${script}`;
  const { code, stdout, stderr } = await runNode(['--import', 'tsx', '--input-type=module', '-e', source], { env });
  const line = stdout.split('\n').find((l) => l.startsWith(marker));
  if (code !== 0 || line === undefined) throw new Error(`child exited with ${code} without a report:\n${stdout}\n${stderr}`);
  return { value: JSON.parse(line.slice(marker.length)) as T, stderr };
}
