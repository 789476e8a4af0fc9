// A trial's process opens the manifest it was handed exactly as `distill run` opens a file: plugins loaded (the
// manifest's own, resolved from the base manifest's directory, and the sweep's `--plugin` modules), then validated.
// A queue worker's trial loads only the worker's plugins: the manifest's `plugins` list is not read.
import { parseManifestText } from '../manifest/parse-manifest-text.js';
import { pluginHostForManifest } from '../manifest/open-manifest.js';
import { createPluginHost } from '../plugins/create-plugin-host.js';
import { validateManifest, type LoadedManifest } from '../manifest/validate-manifest.js';
import type { PluginHost } from '../plugins/plugin-host.js';
import type { TeacherTask } from './trial-executor.js';

export async function openTrialManifest(task: TeacherTask): Promise<{ loaded: LoadedManifest; host: PluginHost }> {
  const parsed = parseManifestText(JSON.stringify(task.manifest, null, 2), task.manifestFile);
  const host = task.workerPluginsOnly ? await createPluginHost({ cliPlugins: task.plugins }) : await pluginHostForManifest(parsed, { cliPlugins: task.plugins });
  return { loaded: validateManifest(parsed, { host }), host };
}
