// `distill backends` (alias `distill doctor`): which compute backends are installed, what `auto` picks and why, and
// a self-test of each installed one against the plain JavaScript backend. tfjs is imported only when the command
// runs (type imports are erased), so registering the command costs the CLI's start-up nothing.
import type { Command } from 'commander';
import type { BackendsReport, BackendStatus } from '../backend/backend-inventory.js';

interface BackendsOptions {
  readonly json?: boolean;
}

export function register(command: Command): void {
  command
    .option('--json', 'print JSON (tfjs, node, cores, gpu, auto, backends with version, simd, threads and selfTest, ok)')
    .addHelpText('after', '\nExit code 1 when an installed backend does not start or does not compute what cpu computes.\n\nExamples:\n  distill backends\n  distill doctor --json')
    .action(async (options: BackendsOptions) => {
      const [{ inspectBackends }, { SELF_TEST_WORK }] = await Promise.all([import('../backend/backend-inventory.js'), import('../backend/backend-self-test.js')]);
      const report = await inspectBackends();
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : describeBackends(report, SELF_TEST_WORK));
      if (!report.ok) process.exitCode = 1;
    });
}

/** The text report: one line per backend, the `auto` choice, then one self-test line per installed backend. */
export function describeBackends(report: BackendsReport, work: string): string {
  const width = Math.max(...report.backends.map((backend) => backend.name.length));
  const packageWidth = Math.max(...report.backends.map((backend) => backend.packageName.length));
  const lines = [
    `TensorFlow.js ${report.tfjs}, Node ${report.node}, ${report.cores} core${report.cores === 1 ? '' : 's'}, GPU: ${report.gpu.detail}`,
    '',
    ...report.backends.map((backend) => `${backend.name.padEnd(width)}  ${backend.packageName.padEnd(packageWidth)}  ${installation(backend, report.tfjs)}`),
    '',
    `auto picks ${report.auto.name}: ${report.auto.reason.replace(/^auto: /, '')}`,
    '',
    `self-test (${work}, compared with cpu):`,
    ...report.backends.filter((backend) => backend.selfTest !== null).map((backend) => `  ${backend.name.padEnd(width)}  ${selfTestLine(backend)}`),
  ];
  return `${lines.join('\n')}\n`;
}

function installation(backend: BackendStatus, tfjsVersion: string): string {
  if (backend.version === null) return `not installed (npm install ${backend.packageName}@${tfjsVersion})`;
  return `${backend.version} (${build(backend)})`;
}

function build(backend: BackendStatus): string {
  if (backend.selfTest !== null && backend.selfTest.ms === null) return 'does not start, see below';
  if (backend.name === 'cpu') return 'plain JavaScript, 1 thread';
  if (backend.name !== 'wasm') return 'libtensorflow, multi-threaded';
  return `${backend.simd ? 'SIMD' : 'no SIMD'}, ${backend.threads} thread${backend.threads === 1 ? '' : 's'}`;
}

function selfTestLine({ selfTest }: BackendStatus): string {
  if (selfTest === null) return '';
  const time = selfTest.ms === null ? '' : `  ${selfTest.ms.toFixed(0)} ms`;
  if (!selfTest.ok) return `FAILED: ${selfTest.error}${time}`;
  const difference = selfTest.maxRelativeDifference === null ? 'reference' : `max relative difference ${selfTest.maxRelativeDifference.toExponential(1)}`;
  return `ok  ${difference}${time}`;
}
