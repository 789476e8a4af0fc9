// Starts tfjs's native TensorFlow backend from one of its optional packages (both register the backend 'tensorflow').
import * as tf from '@tensorflow/tfjs';
import { importOptional } from './installed-package.js';

export const NATIVE_PACKAGES = {
  tensorflow: '@tensorflow/tfjs-node',
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
} as const;

export type NativeBackendName = keyof typeof NATIVE_PACKAGES;

/** Loads the package (which registers 'tensorflow') and activates it. Throws when libtensorflow cannot be loaded. */
export async function startNativeBackend(name: NativeBackendName): Promise<void> {
  await importOptional(NATIVE_PACKAGES[name]);
  if (!(await tf.setBackend('tensorflow'))) {
    throw new Error(`${NATIVE_PACKAGES[name]} loaded but its 'tensorflow' backend failed to initialise`);
  }
}
