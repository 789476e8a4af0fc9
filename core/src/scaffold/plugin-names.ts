// The names a scaffolded plugin goes by: its manifest name, the file it lives in, and identifiers in its code.
import { UserError } from '../errors.js';

export interface PluginNames {
  /** As manifests write it in `type`: `cosine-hint`. */
  readonly name: string;
  /** For functions and values: `cosineHint`. */
  readonly camel: string;
  /** For classes: `CosineHint`. */
  readonly pascal: string;
}

const PLUGIN_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function pluginNames(name: string): PluginNames {
  if (!PLUGIN_NAME.test(name)) {
    throw new UserError(`plugin name "${name}" must be lower-case words joined by dashes, starting with a letter (e.g. cosine-hint)`);
  }
  const words = name.split('-');
  const pascal = words.map((word) => word[0].toUpperCase() + word.slice(1)).join('');
  return { name, camel: pascal[0].toLowerCase() + pascal.slice(1), pascal };
}
