import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random/seeded-random.js';
import { createProposer, type Observation } from './trial-proposer.js';
import { TpeSampler } from './tpe-sampler.js';
import { TPE_DEFAULTS, type SweepParameterSpec, type SweepSpec } from './sweep-spec.js';
import type { Assignment } from './sweep-spec.js';

// A toy sweep: the best student wants temperature 3.2, learning rate 3e-3 and 64 hidden units; every parameter matters.
const parameters: SweepParameterSpec[] = [
  { key: 't', paths: [['t']], domain: { kind: 'range', distribution: 'uniform', min: 1, max: 20, q: 1 } },
  { key: 'lr', paths: [['lr']], domain: { kind: 'range', distribution: 'log_uniform', min: 1e-5, max: 1, q: 1 } },
  { key: 'width', paths: [['width']], domain: { kind: 'values', values: [8, 16, 32, 64, 128] } },
  { key: 'epochs', paths: [['epochs']], domain: { kind: 'range', distribution: 'int_uniform', min: 1, max: 30, q: 1 } },
];

function accuracy(p: Assignment): number {
  const t = ((p.t as number) - 3.2) / 19;
  const lr = (Math.log10(p.lr as number) - Math.log10(3e-3)) / 5;
  const width = (Math.log2(p.width as number) - 6) / 4;
  const epochs = ((p.epochs as number) - 22) / 29;
  return 1 - (t * t + lr * lr + width * width + epochs * epochs);
}

function bestOf(method: 'random' | 'tpe', seed: number, trials = 60): number {
  const spec: SweepSpec = { method, metric: { name: 'student/val/accuracy', goal: 'maximize' }, parameters, runCap: trials, seed, tpe: TPE_DEFAULTS };
  const proposer = createProposer(spec);
  const finished: Observation[] = [];
  for (let i = 0; i < trials; i++) {
    const params = proposer.propose(i, finished);
    finished.push({ params, value: accuracy(params) });
  }
  return Math.max(...finished.map((o) => o.value));
}

describe('TPE', () => {
  it('finds a better configuration than random search with the same budget and seeds', () => {
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const tpe = seeds.map((seed) => bestOf('tpe', seed));
    const random = seeds.map((seed) => bestOf('random', seed));
    const regret = (xs: number[]) => xs.reduce((sum, x) => sum + (1 - x), 0) / xs.length;
    // Its average shortfall from the optimum is well below random search's, and it wins on most seeds.
    expect(regret(tpe)).toBeLessThan(0.6 * regret(random));
    expect(tpe.filter((x, i) => x > random[i]).length).toBeGreaterThanOrEqual(8);
  });

  it('splits the finished trials into the best gamma fraction and the rest, by the goal', () => {
    const observations = [0.1, 0.9, 0.5, 0.7, 0.3, 0.8, 0.2, 0.6].map((value, i) => ({ params: { i }, value }));
    const up = new TpeSampler(parameters, { ...TPE_DEFAULTS, gamma: 0.25 }, 'maximize').split(observations);
    expect(up.good.map((o) => o.value)).toEqual([0.9, 0.8]);
    expect(up.bad).toHaveLength(6);
    const down = new TpeSampler(parameters, { ...TPE_DEFAULTS, gamma: 0.25 }, 'minimize').split(observations);
    expect(down.good.map((o) => o.value)).toEqual([0.1, 0.2]);
  });

  it('proposes values inside each domain, on its grid', () => {
    const sampler = new TpeSampler(parameters, TPE_DEFAULTS, 'maximize');
    const random = seededRandom(3);
    const observations = Array.from({ length: 12 }, (_, i) => ({ params: { t: 1 + i, lr: 10 ** -(i % 5), width: 8 * 2 ** (i % 5), epochs: 1 + 2 * i }, value: i % 4 }));
    for (let i = 0; i < 50; i++) {
      const p = sampler.propose(observations, random);
      expect(p.t).toBeGreaterThanOrEqual(1);
      expect(p.t).toBeLessThanOrEqual(20);
      expect(p.lr).toBeGreaterThanOrEqual(1e-5);
      expect(p.lr).toBeLessThanOrEqual(1);
      expect([8, 16, 32, 64, 128]).toContain(p.width);
      expect(Number.isInteger(p.epochs) && (p.epochs as number) >= 1 && (p.epochs as number) <= 30).toBe(true);
    }
  });
});
