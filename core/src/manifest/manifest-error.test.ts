import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { ManifestError, formatIssue } from './manifest-error.js';
import { displayPath } from '../display-path.js';

describe('ManifestError', () => {
  it('is a UserError with exit code 2 whose message is one line per issue, sorted by position', () => {
    const file = join(process.cwd(), 'experiments', 'x.json');
    const error = new ManifestError([
      { file: '--set training.epochs=0', line: 0, column: 0, pointer: '/training/epochs', message: 'must be >= 1 (got 0)' },
      { file, line: 14, column: 22, pointer: '/losses/0/params/temperature', message: 'must be > 0 (got -1)' },
      { file, line: 3, column: 5, pointer: '/teacher/type', message: 'unknown model "mpl"', hint: 'did you mean "mlp"?' },
      { file, line: 14, column: 3, pointer: '/losses/0/type', message: 'unknown loss "x"' },
    ]);
    expect(error).toBeInstanceOf(UserError);
    expect(error.exitCode).toBe(2);
    expect(error.message.split('\n')).toEqual([
      'experiments/x.json:3:5: /teacher/type: unknown model "mpl"; hint: did you mean "mlp"?',
      'experiments/x.json:14:3: /losses/0/type: unknown loss "x"',
      'experiments/x.json:14:22: /losses/0/params/temperature: must be > 0 (got -1)',
      '--set training.epochs=0: /training/epochs: must be >= 1 (got 0)',
    ]);
    expect(error.issues.map((issue) => issue.line)).toEqual([3, 14, 14, 0]);
  });

  it('leaves out the pointer of the whole manifest and the position of an issue that has none', () => {
    expect(formatIssue({ file: 'x.json', line: 1, column: 1, pointer: '', message: 'missing required key "student"' })).toBe('x.json:1:1: missing required key "student"');
    expect(formatIssue({ file: 'x.json', line: 0, column: 0, pointer: '', message: 'no such file' })).toBe('x.json: no such file');
  });

  it('shows files outside the working directory by their absolute path', () => {
    expect(displayPath('/elsewhere/x.json')).toBe(process.cwd() === '/' ? 'elsewhere/x.json' : '/elsewhere/x.json');
    expect(displayPath(join(process.cwd(), 'a', 'b.json'))).toBe(join('a', 'b.json'));
  });
});
