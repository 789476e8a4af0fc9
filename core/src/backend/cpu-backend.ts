// Starts tfjs's plain JavaScript backend (slow; for debugging and for checking other backends against).
import * as tf from '@tensorflow/tfjs';
import { installCpuAvgPoolGrad } from './avg-pool-grad.js';

export async function startCpuBackend(): Promise<string> {
  if (!(await tf.setBackend('cpu'))) throw new Error("tfjs's cpu backend failed to initialise");
  silenceNodeBanner();
  installCpuAvgPoolGrad();
  return tf.version['tfjs-backend-cpu'];
}

/**
 * tfjs's cpu backend prints "Hi, looks like you are running TensorFlow.js in Node.js. To speed things up
 * dramatically, install our node backend…" on its first tensor. distill states which backend it uses and why, and
 * docs/backends.md says how to add the native one, so only that banner is switched off (its `firstUse` flag).
 */
export function silenceNodeBanner(): void {
  const cpu = tf.engine().registry['cpu'] as { firstUse?: boolean } | undefined;
  if (cpu !== undefined && 'firstUse' in cpu) cpu.firstUse = false;
}
