import { describe, expect, it } from 'vitest';
import { ruleIssues } from './manifest-rules.js';

const base = { name: 'x', dataset: { type: 'd' }, student: { type: 'm' }, losses: [{ type: 'kl' }], training: { epochs: 1 } };

describe('ruleIssues', () => {
  it('asks for a teacher when there is none, and refuses both forms at once', () => {
    expect(ruleIssues(base)).toEqual([{ pointer: '', message: 'missing required key "teacher"', hint: 'or "teachers": several teachers by name' }]);
    expect(ruleIssues({ ...base, teacher: { type: 'm' } })).toEqual([]);
    expect(ruleIssues({ ...base, teachers: { a: { type: 'm' } } })).toEqual([]);
    expect(ruleIssues({ ...base, teacher: { type: 'm' }, teachers: { a: { type: 'm' } } })).toEqual([
      { pointer: '/teachers', message: 'give either "teacher" or "teachers", not both', at: 'key' },
    ]);
  });

  it('a loss naming a teacher the manifest lacks is placed at its `teacher`, with the nearest name', () => {
    const manifest = {
      ...base,
      teachers: { wide: { type: 'm' }, deep: { type: 'm' } },
      losses: [{ type: 'kl', teacher: 'wdie' }],
      stages: [{ name: 's1', losses: [{ type: 'kl', teacher: 'deep' }, { type: 'kl', teacher: 'shallow' }] }],
    };
    expect(ruleIssues(manifest)).toEqual([
      { pointer: '/losses/0/teacher', message: 'unknown teacher "wdie"; did you mean "wide"? valid: deep, wide' },
      { pointer: '/stages/0/losses/1/teacher', message: 'unknown teacher "shallow"; valid: deep, wide' },
    ]);
    // The single `teacher` is named "teacher".
    expect(ruleIssues({ ...base, teacher: { type: 'm' }, losses: [{ type: 'kl', teacher: 'teacher' }] })).toEqual([]);
  });

  it('stage names are unique and not taken by distill\'s own stages or metrics', () => {
    const manifest = { ...base, teacher: { type: 'm' }, stages: [{ name: 'hint' }, { name: 'baseline' }, { name: 'hint' }, { name: 'speedup' }] };
    expect(ruleIssues(manifest)).toEqual([
      { pointer: '/stages/1/name', message: '"baseline" is the name of distill\'s own stage; choose another' },
      { pointer: '/stages/2/name', message: 'stage name "hint" is already taken by /stages/0; stage names must be unique' },
      { pointer: '/stages/3/name', message: '"speedup" is the name of distill\'s own metrics; choose another' },
    ]);
  });
});
