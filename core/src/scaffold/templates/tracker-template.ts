// `distill init plugin --kind tracker`: a tracker that writes the run's metrics to a CSV file in the run directory,
// and a test that feeds it the events of a small run.
import type { PluginNames } from '../plugin-names.js';
import type { PluginTemplate } from './plugin-template.js';

export function trackerTemplate(n: PluginNames): PluginTemplate {
  const plugin = `// The \`${n.name}\` tracker: every metric point of a run as a CSV row (key,step,epoch,value) in a file of the run
// directory. Scaffolded by \`distill init plugin --kind tracker\`.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { definePlugin, type RecordedEvent, type Tracker } from '@distill/core';

const paramsSchema = {
  type: 'object',
  properties: {
    file: { type: 'string', minLength: 1, default: 'metrics.csv', description: 'The CSV file, in the run directory.' },
  },
  additionalProperties: false,
} as const;

class ${n.pascal}Tracker implements Tracker {
  private path: string | undefined;
  private pending: string[] = [];

  constructor(private readonly file: string) {}

  // Every event the run records comes here, in order (event.seq counts from 1): run-started, params, tags, metrics,
  // artifact, run-ended. Keep it quick: queue, and write in flush().
  async handle(event: RecordedEvent): Promise<void> {
    if (event.type === 'run-started') {
      this.path = join(event.runDir, this.file);
      writeFileSync(this.path, 'key,step,epoch,value\\n');
    }
    if (event.type === 'metrics') {
      for (const point of event.points) this.pending.push([point.key, point.step, point.epoch, point.value].join(',') + '\\n');
    }
    if (event.type === 'run-ended') await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.path || this.pending.length === 0) return;
    appendFileSync(this.path, this.pending.join(''));
    this.pending = [];
  }
}

export default definePlugin({
  kind: 'tracker',
  name: '${n.name}',
  description: "Writes the run's metrics to a CSV file in the run directory.",
  paramsSchema,
  create: (params): Tracker => new ${n.pascal}Tracker(params.file),
});
`;
  const test = `// Tests of the \`${n.name}\` tracker: the events of a small run in, a CSV file out.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPlugin } from '@distill/core';
import plugin from './${n.name}.js';

describe('${n.name} tracker', () => {
  it('writes one CSV row per metric point once the run ends', async () => {
    const runDir = mkdtempSync(join(tmpdir(), '${n.name}-'));
    const tracker = await buildPlugin(plugin, { file: 'points.csv' });
    const point = (key: string, step: number, value: number) => ({ key, step, epoch: 0, value, timestamp: 1 });
    await tracker.handle({ seq: 1, type: 'run-started', runId: 'r1', name: 'test', runDir, startTime: 1 });
    await tracker.handle({ seq: 2, type: 'params', params: { seed: '1' } });
    await tracker.handle({ seq: 3, type: 'metrics', points: [point('student/train/loss', 0, 2.5), point('student/train/lr', 0, 0.01)] });
    await tracker.handle({ seq: 4, type: 'metrics', points: [point('student/train/loss', 1, 1.25)] });
    await tracker.handle({ seq: 5, type: 'run-ended', status: 'FINISHED', endTime: 2 });
    await tracker.flush();
    expect(readFileSync(join(runDir, 'points.csv'), 'utf8').split('\\n')).toEqual([
      'key,step,epoch,value',
      'student/train/loss,0,0,2.5',
      'student/train/lr,0,0,0.01',
      'student/train/loss,1,0,1.25',
      '',
    ]);
  });
});
`;
  return { plugin, test, usage: `"tracking": { "type": "${n.name}", "params": { "file": "metrics.csv" } }` };
}
