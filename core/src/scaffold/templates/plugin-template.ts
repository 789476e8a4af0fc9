// What a plugin template produces: the plugin's source, its test, and the manifest lines that use it.
export interface PluginTemplate {
  /** `<name>.ts`: a typed plugin made with definePlugin. */
  readonly plugin: string;
  /** `<name>.test.ts`: a vitest test that builds the plugin and computes with it. */
  readonly test: string;
  /** Where the plugin goes in a manifest, as JSON: `"losses": [{ "type": "cosine-hint" }]`. */
  readonly usage: string;
}
