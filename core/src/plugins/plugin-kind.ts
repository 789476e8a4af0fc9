// The six kinds of plugin a manifest can name, and the manifest section each one fills.
export const PLUGIN_KINDS = ['dataset', 'model', 'loss', 'optimizer', 'scheduler', 'tracker'] as const;
export type PluginKind = (typeof PLUGIN_KINDS)[number];

export function isPluginKind(value: string): value is PluginKind {
  return (PLUGIN_KINDS as readonly string[]).includes(value);
}
