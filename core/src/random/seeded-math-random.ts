// tfjs draws a seed from Math.random() for every random op that is given none (dropout masks, shuffles inside layers).
// Giving such layers a fixed seed would repeat the same mask at every step, so instead Math.random itself is seeded
// for the duration of a run: runs become reproducible and masks still differ from step to step. The generator in
// force is reachable (`currentMathRandom`), so a checkpoint can save its position and a resumed run restore it.
import { seededRandom, type SeededRandom } from './seeded-random.js';

let current: SeededRandom | undefined;

export async function withSeededMathRandom<T>(seed: number, body: () => Promise<T>): Promise<T> {
  const original = Math.random;
  const outer = current;
  const random = seededRandom(seed);
  Math.random = random.next;
  current = random;
  try {
    return await body();
  } finally {
    Math.random = original;
    current = outer;
  }
}

/** The seeded generator standing in for Math.random, when one does (inside `withSeededMathRandom`). */
export function currentMathRandom(): Pick<SeededRandom, 'getState' | 'setState'> | undefined {
  return current;
}
