// `distill init plugin`: a typed plugin of any kind and a passing test beside it.
import { join, resolve } from 'node:path';
import type { PluginKind } from '../plugins/plugin-kind.js';
import { pluginNames } from './plugin-names.js';
import { PLUGIN_TEMPLATES } from './plugin-templates.js';
import { refuseDistillPackage } from './project-root.js';
import { writeNewFiles } from './write-new-files.js';

export interface ScaffoldPluginOptions {
  readonly kind: PluginKind;
  readonly name: string;
  /** Where the two files go (created if missing), relative to the working directory; never into a distill package. */
  readonly dir: string;
  readonly overwrite?: boolean;
}

export interface ScaffoldedPlugin {
  readonly pluginFile: string;
  readonly testFile: string;
  /** The manifest lines that use the plugin. */
  readonly usage: string;
}

export function scaffoldPlugin(options: ScaffoldPluginOptions): ScaffoldedPlugin {
  const names = pluginNames(options.name);
  const template = PLUGIN_TEMPLATES[options.kind](names);
  const dir = resolve(options.dir);
  refuseDistillPackage(dir);
  const pluginFile = join(dir, `${names.name}.ts`);
  const testFile = join(dir, `${names.name}.test.ts`);
  writeNewFiles({ [pluginFile]: template.plugin, [testFile]: template.test }, options.overwrite);
  return { pluginFile, testFile, usage: template.usage };
}
