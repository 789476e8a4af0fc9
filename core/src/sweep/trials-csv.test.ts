import { describe, expect, it } from 'vitest';
import { csvField, formatTrialsCsv } from './trials-csv.js';
import { TPE_DEFAULTS } from './sweep-spec.js';
import type { SweepRecord } from './sweep-record.js';

describe('trials.csv', () => {
  it('quotes fields with commas, quotes or line breaks and writes arrays as JSON', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField([0.9, 0.1])).toBe('"[0.9,0.1]"');
    expect(csvField(0.25)).toBe('0.25');
  });

  it('has a row per trial: parameters, status, metric, epochs, duration, run directory, error', () => {
    const record = {
      spec: {
        method: 'grid',
        metric: { name: 'student/val/accuracy', goal: 'maximize' },
        parameters: [
          { key: 'losses.0.params.temperature', paths: [['losses', '0', 'params', 'temperature']], domain: { kind: 'values', values: [2, 4] } },
          { key: 'losses.0.weight,losses.1.weight', paths: [['losses', '0', 'weight'], ['losses', '1', 'weight']], domain: { kind: 'values', values: [[0.9, 0.1]] } },
        ],
        seed: 1,
        tpe: TPE_DEFAULTS,
      },
      trials: [
        { trial: 1, status: 'finished', params: { 'losses.0.params.temperature': 2, 'losses.0.weight,losses.1.weight': [0.9, 0.1] }, metric: 0.875, epoch: 6, durationMs: 12_340, runDir: 'runs/s-t001', history: {} },
        { trial: 2, status: 'failed', params: { 'losses.0.params.temperature': 4, 'losses.0.weight,losses.1.weight': [0.9, 0.1] }, error: 'loss "kl" is NaN', durationMs: 800, runDir: 'runs/s-t002', history: {} },
      ],
    } as unknown as SweepRecord;
    expect(formatTrialsCsv(record).split('\n')).toEqual([
      'trial,status,losses.0.params.temperature,"losses.0.weight,losses.1.weight",student/val/accuracy,epochs,duration_s,run_dir,error',
      '1,finished,2,"[0.9,0.1]",0.875,6,12.3,runs/s-t001,',
      '2,failed,4,"[0.9,0.1]",,,0.8,runs/s-t002,"loss ""kl"" is NaN"',
      '',
    ]);
  });
});
