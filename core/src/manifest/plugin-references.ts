// Where a manifest names plugins: every `{ "type", "params" }` section, with the kind of plugin it names.
import type { PluginKind } from '../plugins/plugin-kind.js';
import { isPlainObject } from './describe-value.js';

export interface PluginReferenceSite {
  readonly kind: PluginKind;
  /** JSON pointer of the section: `/teacher`, `/losses/1`, `/teacher/train/optimizer`. */
  readonly pointer: string;
  /** The section itself (not yet validated: any shape). */
  readonly section: Record<string, unknown>;
}

const SINGLE_SECTIONS: readonly (readonly [string, PluginKind])[] = [
  ['dataset', 'dataset'],
  ['teacher', 'model'],
  ['student', 'model'],
  ['optimizer', 'optimizer'],
  ['scheduler', 'scheduler'],
  ['tracking', 'tracker'],
];

/** Every plugin reference present in `manifest` (sections that are not objects are left to schema validation). */
export function pluginReferences(manifest: unknown): PluginReferenceSite[] {
  if (!isPlainObject(manifest)) return [];
  const sites: PluginReferenceSite[] = [];
  const add = (kind: PluginKind, pointer: string, section: unknown) => {
    if (isPlainObject(section)) sites.push({ kind, pointer, section });
  };
  for (const [key, kind] of SINGLE_SECTIONS) add(kind, `/${key}`, manifest[key]);
  if (Array.isArray(manifest.losses)) manifest.losses.forEach((loss, index) => add('loss', `/losses/${index}`, loss));
  const train = isPlainObject(manifest.teacher) ? manifest.teacher.train : undefined;
  if (isPlainObject(train)) {
    add('optimizer', '/teacher/train/optimizer', train.optimizer);
    add('scheduler', '/teacher/train/scheduler', train.scheduler);
  }
  return sites;
}

/** Which definition of core/schemas/experiment.schema.json describes a reference to each kind (for the editor schema). */
export const REFERENCE_DEFINITIONS: Readonly<Record<string, PluginKind>> = {
  DatasetReference: 'dataset',
  TeacherReference: 'model',
  ModelReference: 'model',
  LossReference: 'loss',
  OptimizerReference: 'optimizer',
  SchedulerReference: 'scheduler',
  TrackerReference: 'tracker',
};
