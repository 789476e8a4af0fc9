// What `distill backends` reports: each backend's package and installed version, what `auto` picks and why, the
// wasm build's threads and SIMD, the GPU probe, and a self-test of every installed backend against `cpu`.
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { maxRelativeDifference, SELF_TEST_TOLERANCE, timedSelfTest } from './backend-self-test.js';
import { probeGpu, type GpuProbe } from './gpu-probe.js';
import { DISTILL_PACKAGES_FROM, installedVersion } from './installed-package.js';
import { firstLine, NATIVE_PACKAGES } from './native-backend.js';
import { initBackend, type BackendChoice, type BackendOptions } from './select-backend.js';
import { WASM_PACKAGE } from './wasm-backend.js';

type ConcreteBackend = BackendChoice['name'];

export interface SelfTestResult {
  readonly ok: boolean;
  /** Milliseconds for one run of the work, after a warm-up run. */
  readonly ms: number | null;
  /** Against `cpu`; null for `cpu` itself (the reference) and when the backend did not start. */
  readonly maxRelativeDifference: number | null;
  /** Why it failed: the backend did not start, or its values differ from cpu's. */
  readonly error: string | null;
}

export interface BackendStatus {
  readonly name: ConcreteBackend;
  readonly packageName: string;
  /** Installed version, null when the package is not installed. */
  readonly version: string | null;
  /** wasm: whether the SIMD build runs and its threads (known once it started). */
  readonly simd: boolean | null;
  readonly threads: number | null;
  /** null when the package is not installed. */
  readonly selfTest: SelfTestResult | null;
}

export interface BackendsReport {
  readonly tfjs: string;
  readonly node: string;
  readonly cores: number;
  readonly gpu: GpuProbe;
  readonly auto: { readonly name: ConcreteBackend; readonly reason: string };
  readonly backends: readonly BackendStatus[];
  /** Every installed backend started and matched cpu. */
  readonly ok: boolean;
}

const PACKAGES: Record<ConcreteBackend, string> = {
  wasm: WASM_PACKAGE,
  cpu: '@tensorflow/tfjs-backend-cpu',
  tensorflow: NATIVE_PACKAGES.tensorflow,
  'tensorflow-gpu': NATIVE_PACKAGES['tensorflow-gpu'],
};

/** cpu first: it is the reference the others are compared with. */
const ORDER: readonly ConcreteBackend[] = ['cpu', 'wasm', 'tensorflow', 'tensorflow-gpu'];

/** Starts `auto`, then every installed backend in turn (tfjs's current backend is the last one tested). */
export async function inspectBackends(options: BackendOptions = {}): Promise<BackendsReport> {
  const from = options.packagesFrom ?? DISTILL_PACKAGES_FROM;
  const auto = await initBackend('auto', options);
  const gpu = await probeGpu();
  let reference: number[] | undefined;
  const statuses = new Map<ConcreteBackend, BackendStatus>();
  for (const name of ORDER) {
    const version = installedVersionOf(name, from);
    let status: BackendStatus = { name, packageName: PACKAGES[name], version, simd: null, threads: null, selfTest: null };
    if (version !== null) {
      const { choice, selfTest, values } = await selfTestBackend(name, options, reference);
      if (name === 'cpu') reference = values;
      status = { ...status, simd: choice?.simd ?? null, threads: choice?.threads ?? null, selfTest };
    }
    statuses.set(name, status);
  }
  const backends = (['wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'] as const).map((name) => statuses.get(name)!);
  return {
    tfjs: tf.version.tfjs,
    node: process.versions.node,
    cores: availableParallelism(),
    gpu,
    auto: { name: auto.name, reason: auto.reason },
    backends,
    ok: backends.every((backend) => backend.selfTest === null || backend.selfTest.ok),
  };
}

/** wasm and cpu come with distill (cpu inside @tensorflow/tfjs); the native packages are looked up from `from`. */
function installedVersionOf(name: ConcreteBackend, from: string): string | null {
  if (name === 'cpu') return tf.version['tfjs-backend-cpu'];
  return installedVersion(PACKAGES[name], name === 'wasm' ? DISTILL_PACKAGES_FROM : from) ?? null;
}

/** Starts the backend and runs the self-test on it: against `reference` (cpu's values), or as the reference itself. */
async function selfTestBackend(name: ConcreteBackend, options: BackendOptions, reference: number[] | undefined) {
  const failed = (error: string) => ({ choice: undefined, values: undefined, selfTest: { ok: false, ms: null, maxRelativeDifference: null, error } });
  let choice: BackendChoice;
  let run: { values: number[]; ms: number };
  try {
    choice = await initBackend(name, options);
    run = timedSelfTest();
  } catch (error) {
    return failed(firstLine(error));
  }
  if (name === 'cpu') return { choice, values: run.values, selfTest: { ok: true, ms: run.ms, maxRelativeDifference: null, error: null } };
  if (reference === undefined) return failed('no cpu values to compare with');
  const difference = maxRelativeDifference(run.values, reference);
  const ok = difference <= SELF_TEST_TOLERANCE;
  const error = ok ? null : `values differ from cpu's by up to ${difference.toPrecision(3)} (relative), more than ${SELF_TEST_TOLERANCE}`;
  return { choice, values: run.values, selfTest: { ok, ms: run.ms, maxRelativeDifference: difference, error } };
}
