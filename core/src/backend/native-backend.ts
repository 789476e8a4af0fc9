// Starts tfjs's native TensorFlow backend from one of its optional packages (both register the backend 'tensorflow'),
// and says precisely why when it cannot: the package does not load (libtensorflow missing or unloadable), it registers
// no backend with this copy of tfjs, or its backend does not initialise.
import { installNativeKernelFixes } from './native-kernel-fixes.js';
import * as tf from '@tensorflow/tfjs';
import { importOptional } from './installed-package.js';

export const NATIVE_PACKAGES = {
  tensorflow: '@tensorflow/tfjs-node',
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
} as const;

export type NativeBackendName = keyof typeof NATIVE_PACKAGES;

const TFJS_NAME = 'tensorflow';

/** Why an installed native package could not be used; the message reads "<package> <version> is installed but …". */
export class NativeBackendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NativeBackendError';
  }
}

/**
 * Loads the package from `from` (which registers 'tensorflow') and activates it. On failure the previously active
 * backend stays active and a NativeBackendError says which step failed and why.
 */
export async function startNativeBackend(name: NativeBackendName, version: string, from?: string): Promise<void> {
  const packageName = `${NATIVE_PACKAGES[name]} ${version}`;
  const previous = tf.getBackend() as string | undefined;
  // libtensorflow logs INFO lines (oneDNN, CPU features) on load; distill states the backend itself.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '1';
  const warnings = captureTfjsWarnings();
  try {
    try {
      await importOptional(NATIVE_PACKAGES[name], from);
    } catch (error) {
      throw new NativeBackendError(`${packageName} is installed but failed to load: ${firstLine(error)}`, { cause: error });
    }
    if (tf.findBackendFactory(TFJS_NAME) == null) {
      throw new NativeBackendError(
        `${packageName} is installed but registered no '${TFJS_NAME}' backend with distill's @tensorflow/tfjs ${tf.version.tfjs} (is it using another copy of @tensorflow/tfjs?)`,
      );
    }
    if (!(await tf.setBackend(TFJS_NAME))) {
      const why = warnings.messages.find((message) => !message.startsWith('Initialization of backend'));
      throw new NativeBackendError(`${packageName} is installed but its '${TFJS_NAME}' backend failed to initialise${why ? `: ${firstLine(why)}` : ''}`);
    }
    installNativeKernelFixes();
    warnings.replay();
  } catch (error) {
    // tfjs records a failed backend as the current one; put the previous one back.
    if (previous && previous !== TFJS_NAME && tf.findBackendFactory(previous) != null) await tf.setBackend(previous);
    throw error;
  } finally {
    warnings.stop();
  }
}

/**
 * tfjs reports a backend that fails to initialise only through console.warn ("Initialization of backend tensorflow
 * failed", then the error's stack), and the native package activates its backend when imported. The warnings are held
 * while the backend starts: they become the reason when it fails, and are passed on unchanged when it works.
 */
function captureTfjsWarnings() {
  const original = console.warn;
  const messages: string[] = [];
  console.warn = (...args: unknown[]) => {
    messages.push(args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' '));
  };
  return {
    messages,
    replay: () => messages.forEach((message) => original(message)),
    stop: () => {
      console.warn = original;
    },
  };
}

/** The first line of an error's message (or of a stack trace, without its "Error: " prefix). */
export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0].replace(/^\w*Error: /, '');
}
