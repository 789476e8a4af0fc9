// Which parameters the next trial gets. One proposer per method; the sweep asks it for trial after trial, wherever
// the trials then run (child processes here, queue workers elsewhere), handing it the results known so far.
import { deriveSeed, seededRandom } from '../random/seeded-random.js';
import { gridPoint, gridSize, sampleAssignment } from './search-space.js';
import type { Assignment, SweepSpec } from './sweep-spec.js';
import { TpeSampler } from './tpe-sampler.js';
import type { Observation } from './observation.js';

export type { Observation } from './observation.js';

export interface TrialProposer {
  /** Most trials this method proposes: the grid's size (capped by runCap), or runCap. */
  readonly limit: number;
  /** The parameters of trial `index` (0-based), given the results so far. */
  propose(index: number, finished: readonly Observation[]): Assignment;
}

export function createProposer(spec: SweepSpec): TrialProposer {
  switch (spec.method) {
    case 'grid':
      return gridProposer(spec);
    case 'random':
      return randomProposer(spec);
    case 'tpe':
      return tpeProposer(spec);
  }
}

function gridProposer(spec: SweepSpec): TrialProposer {
  const size = gridSize(spec.parameters);
  return { limit: Math.min(size, spec.runCap ?? size), propose: (index) => gridPoint(spec.parameters, index) };
}

/** Trial i's sample depends only on the seed and i: a resumed sweep proposes exactly what it would have. */
export function randomSample(spec: SweepSpec, index: number): Assignment {
  return sampleAssignment(spec.parameters, seededRandom(deriveSeed(spec.seed, `sweep-trial:${index}`)));
}

function randomProposer(spec: SweepSpec): TrialProposer {
  return { limit: spec.runCap!, propose: (index) => randomSample(spec, index) };
}

/** What a sweep says at its start when its settings make its method something else (TPE that never leaves startup). */
export function methodCaveat(spec: SweepSpec): string | undefined {
  if (spec.method !== 'tpe' || spec.runCap === undefined || spec.runCap > spec.tpe.startupTrials) return undefined;
  return (
    `tpe: runCap ${spec.runCap} is not above tpe.startupTrials ${spec.tpe.startupTrials}, so every trial is a random startup sample: ` +
    `this sweep is pure random search (raise runCap above ${spec.tpe.startupTrials}, or lower tpe.startupTrials)`
  );
}

// Proposals already run are drawn again (another seed) this many times before a random configuration is taken instead:
// on a small discrete space TPE's densities would otherwise keep proposing the configuration it likes best.
const FRESH_ATTEMPTS = 8;

function tpeProposer(spec: SweepSpec): TrialProposer {
  const sampler = new TpeSampler(spec.parameters, spec.tpe, spec.metric.goal, (spec.metrics ?? [spec.metric]).map((o) => o.goal));
  return {
    limit: spec.runCap!,
    propose: (index, finished) => {
      const usable = finished.filter((o) => Number.isFinite(o.value));
      if (usable.length < spec.tpe.startupTrials) return randomSample(spec, index);
      const seen = new Set(finished.map((o) => JSON.stringify(o.params)));
      for (let attempt = 0; attempt < FRESH_ATTEMPTS; attempt++) {
        const proposal = sampler.propose(usable, seededRandom(deriveSeed(spec.seed, attempt === 0 ? `sweep-tpe:${index}` : `sweep-tpe:${index}:${attempt}`)));
        if (!seen.has(JSON.stringify(proposal))) return proposal;
      }
      for (let attempt = 0; attempt < FRESH_ATTEMPTS; attempt++) {
        const proposal = sampleAssignment(spec.parameters, seededRandom(deriveSeed(spec.seed, `sweep-tpe-fresh:${index}:${attempt}`)));
        if (!seen.has(JSON.stringify(proposal))) return proposal;
      }
      return sampler.propose(usable, seededRandom(deriveSeed(spec.seed, `sweep-tpe:${index}`)));
    },
  };
}
