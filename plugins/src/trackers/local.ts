// `local` tracker: the run directory alone. distill journals every run there whatever the tracker (events.jsonl,
// metrics.jsonl, summary.json); this tracker adds readable snapshots of the params and tags next to them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { definePlugin, type RecordedEvent, type Tracker } from '@distill/core';

const paramsSchema = { type: 'object', properties: {}, additionalProperties: false } as const;

class LocalTracker implements Tracker {
  private runDir: string | undefined;
  private readonly params: Record<string, string> = {};
  private readonly tags: Record<string, string> = {};

  async handle(event: RecordedEvent): Promise<void> {
    if (event.type === 'run-started') {
      this.runDir = event.runDir;
      // A resumed run goes on with the snapshots it wrote before it was interrupted.
      if (event.resumed) for (const [file, into] of [['params.json', this.params], ['tags.json', this.tags]] as const) Object.assign(into, readSnapshot(join(event.runDir, file)));
    }
    if (event.type === 'params') this.write('params.json', Object.assign(this.params, event.params));
    if (event.type === 'tags') this.write('tags.json', Object.assign(this.tags, event.tags));
  }

  async flush(): Promise<void> {}

  private write(file: string, content: Record<string, string>): void {
    if (this.runDir) writeFileSync(join(this.runDir, file), `${JSON.stringify(content, null, 2)}\n`);
  }
}

function readSnapshot(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    return {};
  }
}

export const localTracker = definePlugin({
  kind: 'tracker',
  name: 'local',
  description: 'Records the run in its local run directory only (the default when no MLflow server is configured)',
  paramsSchema,
  create: () => new LocalTracker(),
});
