// Where a plugin module is looked for, and who asked for it (named in every loading error).
export interface PluginSource {
  /** Directory that relative paths and package names resolve from. */
  readonly baseDir: string;
  /** Who asked for the module, for messages: `listed in experiments/x.json`, `--plugin`. */
  readonly origin: string;
}
