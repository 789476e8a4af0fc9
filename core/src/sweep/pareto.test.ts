// Pareto dominance, fronts and crowding, on cases worked out by hand; objectives and constraints refused up front.
import { describe, expect, it } from 'vitest';
import { crowdingDistances, dominates, frontRanks, paretoFront } from './pareto.js';
import { parseObjectives, satisfies } from './objectives.js';
import { rankedEntries } from './sweep-results.js';
import type { SweepRecord, TrialRecord } from './sweep-record.js';
import { TpeSampler } from './tpe-sampler.js';
import { TPE_DEFAULTS } from './sweep-spec.js';

const MAX_MIN = ['maximize', 'minimize'] as const;

describe('dominance', () => {
  it('needs at least as good in every objective and better in one, each in its own direction', () => {
    expect(dominates([0.9, 100], [0.8, 200], MAX_MIN)).toBe(true);
    expect(dominates([0.9, 100], [0.9, 100], MAX_MIN)).toBe(false);
    expect(dominates([0.9, 300], [0.8, 200], MAX_MIN)).toBe(false);
    expect(dominates([0.9, 100], [0.9, 200], MAX_MIN)).toBe(true);
  });

  it('sorts into fronts; infeasible points rank after every feasible one and are never on the front', () => {
    // accuracy ↑, bytes ↓:  A(.90,400) B(.85,200) C(.80,100) on the front; D(.84,250) is dominated by B only; E(.79,150)
    // by C; F(.95,50) would dominate all, but breaks a constraint.
    const points = [[0.9, 400], [0.85, 200], [0.8, 100], [0.84, 250], [0.79, 150], [0.95, 50]].map((values, i) => ({ values, feasible: i !== 5 }));
    expect(frontRanks(points, MAX_MIN)).toEqual([0, 0, 0, 1, 1, 2]);
    expect(paretoFront(points, MAX_MIN)).toEqual([0, 1, 2]);
  });

  it('gives the ends of a front infinite crowding and the inner points the normalised gap around them', () => {
    // Sorted by the first objective: 0, 1, 3, 4 (range 4); by the second: 10, 8, 4, 0 (range 10).
    const d = crowdingDistances([[0, 10], [1, 8], [3, 4], [4, 0]]);
    expect(d[0]).toBe(Infinity);
    expect(d[3]).toBe(Infinity);
    expect(d[1]).toBeCloseTo((3 - 0) / 4 + (10 - 4) / 10, 12);
    expect(d[2]).toBeCloseTo((4 - 1) / 4 + (8 - 0) / 10, 12);
  });
});

describe('objectives and constraints', () => {
  const metrics = [{ name: 'student/test/accuracy', goal: 'maximize' as const }, { name: 'student/weightBytes', goal: 'minimize' as const }];

  it('parses constraints and checks values against them', () => {
    const { constraints, issues } = parseObjectives(metrics, ['student/parameters <= 50000', 'deployed/test/accuracy>0.8']);
    expect(issues).toEqual([]);
    expect(constraints.map((c) => [c.metric, c.operator, c.bound])).toEqual([['student/parameters', '<=', 50000], ['deployed/test/accuracy', '>', 0.8]]);
    expect(satisfies(constraints[0], 50000)).toBe(true);
    expect(satisfies(constraints[0], 50001)).toBe(false);
    expect(satisfies(constraints[1], 0.8)).toBe(false);
    expect(satisfies(constraints[1], null)).toBe(false);
  });

  it('refuses an unknown metric, a bound no value reaches, contradictions and opposite goals, each at its place', () => {
    const { issues } = parseObjectives(
      [...metrics, { name: 'student/test/accuracy', goal: 'minimize' }],
      ['student/paramters <= 5', 'student/test/accuracy > 1', 'student/parameters < 0', 'student/parameters <= 10', 'student/parameters >= 20', 'accuracy is high'],
    );
    expect(issues.map((i) => [i.pointer, i.message])).toEqual([
      ['/metrics/2', '"student/test/accuracy" cannot be maximized and minimized at once (objective 0 wants to maximize it)'],
      ['/constraints/0', expect.stringMatching(/^constraint on an unknown metric "student\/paramters"; did you mean "student\/parameters"\?/)],
      ['/constraints/1', 'no trial can meet "student/test/accuracy > 1": student/test/accuracy is always between 0 and 1'],
      ['/constraints/2', 'no trial can meet "student/parameters < 0": student/parameters is always at least 0'],
      ['/constraints/5', '"accuracy is high" is not a constraint'],
      ['/constraints/4', '"student/parameters >= 20" contradicts "student/parameters <= 10": no value of student/parameters meets both'],
    ]);
  });
});

describe('ranking with repeats', () => {
  it('ranks configurations by the mean of their runs, with the sample standard deviation', () => {
    const trial = (n: number, config: number, accuracy: number, bytes: number): TrialRecord => ({
      trial: n, config, repeat: n, params: { w: config }, status: 'finished', history: {}, metric: accuracy,
      metrics: { 'student/test/accuracy': accuracy, 'student/weightBytes': bytes }, feasible: true,
    });
    const record = {
      spec: { metric: { name: 'student/test/accuracy', goal: 'maximize' }, metrics: [{ name: 'student/test/accuracy', goal: 'maximize' }, { name: 'student/weightBytes', goal: 'minimize' }], constraints: [], repeats: 2 },
      trials: [trial(1, 1, 0.8, 100), trial(2, 1, 0.9, 100), trial(3, 2, 0.84, 200), trial(4, 2, 0.84, 200), trial(5, 3, 0.7, 100), trial(6, 3, 0.7, 100)],
    } as unknown as SweepRecord;
    const entries = rankedEntries(record);
    expect(entries.map((e) => [e.trials, e.front])).toEqual([[[1, 2], 0], [[3, 4], 1], [[5, 6], 1]]);
    expect(entries[0].values[0]).toBeCloseTo(0.85, 12);
    expect(entries[0].std[0]).toBeCloseTo(Math.sqrt(((0.05 ** 2) * 2) / 1), 12);
    expect(entries[1].std[0]).toBe(0);
  });
});

describe('multi-objective TPE', () => {
  it('counts as good the best fronts, feasible first, crowding breaking ties in the last front taken', () => {
    const sampler = new TpeSampler([], { ...TPE_DEFAULTS, gamma: 0.5 }, 'maximize', ['maximize', 'minimize']);
    const o = (id: number, values: number[], feasible = true) => ({ params: { id }, value: values[0], values, feasible });
    const { good } = sampler.split([o(1, [0.9, 400]), o(2, [0.85, 200]), o(3, [0.8, 100]), o(4, [0.84, 250]), o(5, [0.95, 50], false), o(6, [0.7, 500])]);
    // Front 0 = {1, 2, 3}; with 3 good slots all of it, none of the infeasible 5.
    expect(good.map((g) => g.params.id).sort()).toEqual([1, 2, 3]);
    const { good: two } = new TpeSampler([], { ...TPE_DEFAULTS, gamma: 0.3 }, 'maximize', ['maximize', 'minimize']).split([o(1, [0.9, 400]), o(2, [0.85, 200]), o(3, [0.8, 100]), o(4, [0.84, 250]), o(6, [0.7, 500])]);
    // ceil(0.3 · 5) = 2 of front {1, 2, 3}: the two ends (infinite crowding), not the middle one.
    expect(two.map((g) => g.params.id).sort()).toEqual([1, 3]);
  });
});
