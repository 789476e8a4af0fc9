// The trials checked before the first one starts: the whole grid; for random and tpe, a sample of proposals plus every
// parameter at each of its extremes (each choice of a `values` list, both ends of a range) — a value that could
// make a trial invalid is found up front rather than hours into the sweep.
import { gridPoint } from './search-space.js';
import { domainBounds } from './search-space.js';
import { randomSample } from './trial-proposer.js';
import type { Assignment, SweepSpec } from './sweep-spec.js';

const SAMPLES = 16;

export function validationAssignments(spec: SweepSpec, gridLimit: number): Assignment[] {
  if (spec.method === 'grid') return Array.from({ length: gridLimit }, (_, i) => gridPoint(spec.parameters, i));
  const samples = Array.from({ length: SAMPLES }, (_, i) => randomSample(spec, i));
  const extremes = spec.parameters.flatMap((p) => {
    const values = p.domain.kind === 'values' ? p.domain.values : p.domain.kind === 'range' ? domainBounds(p.domain) : [];
    return values.map((value) => ({ ...samples[0], [p.key]: value }));
  });
  return [...extremes, ...samples];
}
