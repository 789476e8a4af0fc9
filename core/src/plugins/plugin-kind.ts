// The kinds of plugin a manifest can name. A teacher reference names a model or a teacher source (`teacher`); a
// dataset reference may name a tokenizer (`/dataset/tokenizer`) for a text dataset; `training.augment` lists
// augmentations.
export const PLUGIN_KINDS = ['dataset', 'model', 'teacher', 'loss', 'optimizer', 'scheduler', 'tracker', 'tokenizer', 'augmentation'] as const;
export type PluginKind = (typeof PLUGIN_KINDS)[number];

export function isPluginKind(value: string): value is PluginKind {
  return (PLUGIN_KINDS as readonly string[]).includes(value);
}
