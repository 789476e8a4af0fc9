// Nearest-name suggestions for unknown plugin types and unknown keys.
import { distance } from 'fastest-levenshtein';

/** The candidate closest to `input`, if it is close enough to be a plausible typo. */
export function nearest(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(input.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const tolerance = Math.max(2, Math.floor(input.length / 3));
  return bestDistance <= tolerance ? best : undefined;
}

/** `did you mean "x"? valid: a, b, c` (or just the valid names when nothing is close). */
export function suggestion(input: string, candidates: readonly string[]): string {
  const valid = `valid: ${[...candidates].sort().join(', ')}`;
  const close = nearest(input, candidates);
  return close ? `did you mean "${close}"? ${valid}` : valid;
}
