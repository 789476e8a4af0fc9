import { describe, expect, it } from 'vitest';
import { createProposer, type Observation } from './trial-proposer.js';
import { TPE_DEFAULTS, type SweepParameterSpec, type SweepSpec } from './sweep-spec.js';

const parameters: SweepParameterSpec[] = [
  { key: 'losses.0.params.temperature', paths: [['losses', '0', 'params', 'temperature']], domain: { kind: 'range', distribution: 'uniform', min: 1, max: 10, q: 1 } },
  { key: 'optimizer.params.learningRate', paths: [['optimizer', 'params', 'learningRate']], domain: { kind: 'range', distribution: 'log_uniform', min: 1e-4, max: 1e-1, q: 1 } },
  { key: 'student.params.hidden', paths: [['student', 'params', 'hidden']], domain: { kind: 'values', values: [[16], [32], [64]] } },
];

const spec = (overrides: Partial<SweepSpec> = {}): SweepSpec => ({
  method: 'random',
  metric: { name: 'student/val/accuracy', goal: 'maximize' },
  parameters,
  runCap: 20,
  seed: 5,
  tpe: TPE_DEFAULTS,
  ...overrides,
});

describe('random proposals', () => {
  it('are reproducible: the same seed gives the same sequence, whatever order the trials are asked for in', () => {
    const forward = Array.from({ length: 8 }, (_, i) => createProposer(spec()).propose(i, []));
    const proposer = createProposer(spec());
    const backward = [7, 6, 5, 4, 3, 2, 1, 0].map((i) => proposer.propose(i, []));
    expect(backward.reverse()).toEqual(forward);
  });

  it('differ between trials and between seeds', () => {
    const a = createProposer(spec());
    expect(a.propose(0, [])).not.toEqual(a.propose(1, []));
    expect(createProposer(spec({ seed: 6 })).propose(0, [])).not.toEqual(a.propose(0, []));
  });

  it('stop at runCap', () => {
    expect(createProposer(spec({ runCap: 3 })).limit).toBe(3);
  });
});

describe('grid proposals', () => {
  const grid = spec({ method: 'grid', runCap: undefined, parameters: [parameters[2], { ...parameters[0], domain: { kind: 'values', values: [2, 4] } }] });

  it('walk the grid and stop at its end, or at runCap', () => {
    const proposer = createProposer(grid);
    expect(proposer.limit).toBe(6);
    expect(proposer.propose(1, [])).toEqual({ 'student.params.hidden': [16], 'losses.0.params.temperature': 4 });
    expect(createProposer({ ...grid, runCap: 4 }).limit).toBe(4);
  });
});

describe('tpe proposals', () => {
  it('are random samples (the same as method random) until startupTrials trials have a result', () => {
    const tpe = createProposer(spec({ method: 'tpe', tpe: { ...TPE_DEFAULTS, startupTrials: 3 } }));
    const random = createProposer(spec());
    const two: Observation[] = [0, 1].map((i) => ({ params: random.propose(i, []), value: i }));
    expect(tpe.propose(2, two)).toEqual(random.propose(2, []));
    const three = [...two, { params: random.propose(2, []), value: 0.5 }];
    expect(tpe.propose(3, three)).not.toEqual(random.propose(3, []));
  });
});
