// A run's setup and headline numbers in words, shared by the run and the comparison pages.
import type { JsonObject } from './json-checks.js';
import { isObject } from './json-checks.js';
import type { RunData } from './read-run.js';
import type { Tone } from './page-model.js';

/** `mnist · mlp → mlp · kl-divergence + cross-entropy` from the resolved manifest. */
export function setupText(manifest: JsonObject | undefined): string | undefined {
  if (!manifest) return undefined;
  const type = (value: unknown) => (isObject(value) && typeof value.type === 'string' ? value.type : '?');
  const losses = Array.isArray(manifest.losses) ? manifest.losses.map((loss) => (isObject(loss) && typeof loss.name === 'string' ? loss.name : type(loss))).join(' + ') : '?';
  return `${type(manifest.dataset)} · teacher ${type(manifest.teacher)} → student ${type(manifest.student)} · ${losses}`;
}

export function statusTone(status: RunData['status']): Tone {
  return status === 'FINISHED' ? 'good' : status === 'RUNNING' ? 'warn' : 'bad';
}

/** `short id` of a run for legends: the name and the id's random tail. */
export function runLabel(run: RunData): string {
  return `${run.name} · ${run.runId.split('-').at(-1)}`;
}
