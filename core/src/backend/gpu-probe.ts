// Tells whether a CUDA GPU is usable, which @tensorflow/tfjs-node-gpu needs (without one it falls back to the CPU
// after a long start-up, so `auto` prefers @tensorflow/tfjs-node then).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export interface GpuProbe {
  usable: boolean;
  /** What was found, for the backend's `reason`: "GPU 0: NVIDIA A100 (…)" or why none is usable. */
  detail: string;
}

/** Asks the NVIDIA driver (nvidia-smi -L) for its GPUs. */
export async function probeGpu(): Promise<GpuProbe> {
  try {
    const { stdout } = await promisify(execFile)('nvidia-smi', ['-L'], { timeout: 10_000 });
    const first = stdout.split('\n').find((line) => line.startsWith('GPU '));
    return first ? { usable: true, detail: first.trim() } : { usable: false, detail: 'nvidia-smi lists no GPU' };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { usable: false, detail: code === 'ENOENT' ? 'nvidia-smi not found' : `nvidia-smi failed: ${(error as Error).message}` };
  }
}
