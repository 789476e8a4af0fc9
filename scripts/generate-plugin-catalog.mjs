// Writes plugins/dist/plugin-catalog.json: the built-in plugins' kinds, names, descriptions and params schemas, which
// `distill plugins` and `distill schema` read instead of importing the package (and TensorFlow.js). Run by the build.
import { writeFileSync } from 'node:fs';

const { builtinPlugins, default: _module } = await import('../plugins/dist/index.js');
const { catalogEntries } = await import('../core/dist/plugins/plugin-catalog.js');
const { name, version } = (await import('../plugins/package.json', { with: { type: 'json' } })).default;
// Sources as the package's container module records them.
const entries = catalogEntries(builtinPlugins.map((plugin) => ({ ...plugin, source: plugin.source ?? `${name}@${version}`, version: plugin.version ?? version })));
writeFileSync(new URL('../plugins/dist/plugin-catalog.json', import.meta.url), `${JSON.stringify(entries, null, 2)}\n`);
