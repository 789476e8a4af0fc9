// Which backend the conformance suite checks: DISTILL_TEST_BACKEND (default wasm), always against tfjs's plain cpu
// backend. A backend named there that is not installed or does not start fails the suite; it is never skipped.
import * as tf from '@tensorflow/tfjs';
import { BACKEND_NAMES, initBackend, type BackendChoice, type BackendName } from '../select-backend.js';

export const REFERENCE_BACKEND = 'cpu';

/** The backend named by DISTILL_TEST_BACKEND, checked against the names distill knows. */
export function backendUnderTest(env: NodeJS.ProcessEnv = process.env): Exclude<BackendName, 'auto'> {
  const name = env.DISTILL_TEST_BACKEND ?? 'wasm';
  const valid = BACKEND_NAMES.filter((backend) => backend !== 'auto');
  if (!(valid as string[]).includes(name)) {
    throw new Error(`DISTILL_TEST_BACKEND="${name}" is not a backend the conformance suite can check; valid: ${valid.join(', ')}`);
  }
  return name as Exclude<BackendName, 'auto'>;
}

/** tfjs's registry name for a distill backend (both native packages register 'tensorflow'). */
export const tfjsName = (choice: BackendChoice) => (choice.name === 'tensorflow-gpu' ? 'tensorflow' : choice.name);

let started: Promise<string> | undefined;

/**
 * Starts (once) the backend under test and the cpu reference, and returns tfjs's name for the backend under test.
 * Every test awaits it, so a backend that is missing or fails to start fails each test with the reason.
 */
export function backendReady(): Promise<string> {
  return (started ??= startConformanceBackends());
}

async function startConformanceBackends(): Promise<string> {
  const choice = await initBackend(backendUnderTest());
  await initBackend('cpu');
  const name = tfjsName(choice);
  if (tf.findBackend(name) === null) throw new Error(`backend ${name} started but is not registered with tfjs`);
  return name;
}
