// tfjs draws a seed from Math.random() for every random op that is given none (dropout masks, shuffles inside layers).
// Giving such layers a fixed seed would repeat the same mask at every step, so instead Math.random itself is seeded
// for the duration of a run: runs become reproducible and masks still differ from step to step.
import { seededRandom } from './seeded-random.js';

export async function withSeededMathRandom<T>(seed: number, body: () => Promise<T>): Promise<T> {
  const original = Math.random;
  const random = seededRandom(seed);
  Math.random = random.next;
  try {
    return await body();
  } finally {
    Math.random = original;
  }
}
