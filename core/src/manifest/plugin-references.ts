// Where a manifest names plugins: every `{ "type", "params" }` section, with the kind of plugin it names.
import type { PluginKind } from '../plugins/plugin-kind.js';
import { isPlainObject } from './describe-value.js';

export interface PluginReferenceSite {
  readonly kind: PluginKind;
  /** JSON pointer of the section: `/teacher`, `/losses/1`, `/teacher/train/optimizer`, `/stages/0/losses/1`. */
  readonly pointer: string;
  /** The section itself (not yet validated: any shape). */
  readonly section: Record<string, unknown>;
  /** A teacher reference: it names a model plugin or, when no model has its name, a teacher source (`teacher`). */
  readonly teacher?: boolean;
}

/** Anything that can say which names a kind has (a registry, a catalog). */
export interface KindLookup {
  readonly model: { has(name: string): boolean };
  readonly teacher: { has(name: string): boolean };
}

const SINGLE_SECTIONS: readonly (readonly [string, PluginKind])[] = [
  ['dataset', 'dataset'],
  ['student', 'model'],
  ['optimizer', 'optimizer'],
  ['scheduler', 'scheduler'],
  ['tracking', 'tracker'],
];

/** Every plugin reference present in `manifest` (sections that are not objects are left to schema validation). */
export function pluginReferences(manifest: unknown): PluginReferenceSite[] {
  if (!isPlainObject(manifest)) return [];
  const sites: PluginReferenceSite[] = [];
  const add = (kind: PluginKind, pointer: string, section: unknown, teacher = false) => {
    if (isPlainObject(section)) sites.push({ kind, pointer, section, ...(teacher ? { teacher } : {}) });
  };
  add('dataset', '/dataset', manifest.dataset);
  if (isPlainObject(manifest.dataset)) add('tokenizer', '/dataset/tokenizer', manifest.dataset.tokenizer);
  addTeacher(add, '/teacher', manifest.teacher);
  if (isPlainObject(manifest.teachers)) for (const [name, teacher] of Object.entries(manifest.teachers)) addTeacher(add, `/teachers/${name}`, teacher);
  for (const [key, kind] of SINGLE_SECTIONS.slice(1)) add(kind, `/${key}`, manifest[key]);
  if (Array.isArray(manifest.losses)) manifest.losses.forEach((loss, index) => add('loss', `/losses/${index}`, loss));
  const augment = isPlainObject(manifest.training) ? manifest.training.augment : undefined;
  if (Array.isArray(augment)) augment.forEach((step, index) => add('augmentation', `/training/augment/${index}`, step));
  if (Array.isArray(manifest.stages)) {
    manifest.stages.forEach((stage, i) => {
      if (!isPlainObject(stage)) return;
      if (Array.isArray(stage.losses)) stage.losses.forEach((loss, j) => add('loss', `/stages/${i}/losses/${j}`, loss));
      add('optimizer', `/stages/${i}/optimizer`, stage.optimizer);
      add('scheduler', `/stages/${i}/scheduler`, stage.scheduler);
    });
  }
  return sites;
}

function addTeacher(add: (kind: PluginKind, pointer: string, section: unknown, teacher?: boolean) => void, pointer: string, teacher: unknown): void {
  if (!isPlainObject(teacher)) return;
  add('model', pointer, teacher, true);
  const train = teacher.train;
  if (isPlainObject(train)) {
    add('optimizer', `${pointer}/train/optimizer`, train.optimizer);
    add('scheduler', `${pointer}/train/scheduler`, train.scheduler);
  }
}

/** The kind a site's plugin is of: a teacher reference naming a teacher source (and no model) is a `teacher`. */
export function siteKind(site: PluginReferenceSite, kinds: KindLookup): PluginKind {
  const type = String(site.section.type);
  return site.teacher && !kinds.model.has(type) && kinds.teacher.has(type) ? 'teacher' : site.kind;
}

/** Which definition of core/schemas/experiment.schema.json describes a reference to each kind (for the editor schema). */
export const REFERENCE_DEFINITIONS: Readonly<Record<string, readonly PluginKind[]>> = {
  DatasetReference: ['dataset'],
  TeacherReference: ['model', 'teacher'],
  ModelReference: ['model'],
  LossReference: ['loss'],
  OptimizerReference: ['optimizer'],
  SchedulerReference: ['scheduler'],
  TrackerReference: ['tracker'],
  TokenizerReference: ['tokenizer'],
  AugmentationReference: ['augmentation'],
};
