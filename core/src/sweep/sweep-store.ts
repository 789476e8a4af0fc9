// Keeps a sweep's directory current: sweep.json and trials.csv rewritten together after every change.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatSweepRecord, SWEEP_FILE, TRIALS_CSV, writeAtomically, type SweepRecord } from './sweep-record.js';
import { formatTrialsCsv } from './trials-csv.js';
import { bestTrial } from './sweep-ranking.js';
import { paretoTrials } from './sweep-results.js';
import { redactDeep } from '../secrets/redact.js';

export class SweepStore {
  constructor(
    readonly dir: string,
    readonly record: SweepRecord,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Where trial run directories go. */
  get runsDir(): string {
    return join(this.dir, 'runs');
  }

  save(): void {
    this.record.updatedAt = new Date().toISOString();
    this.record.best = bestTrial(this.record);
    if (!this.record.best) delete this.record.best;
    this.record.pareto = paretoTrials(this.record);
    // Trial errors may quote a server's answer: secrets never reach the sweep directory.
    const record = redactDeep(this.record);
    writeAtomically(join(this.dir, SWEEP_FILE), formatSweepRecord(record));
    writeAtomically(join(this.dir, TRIALS_CSV), formatTrialsCsv(record));
  }
}
