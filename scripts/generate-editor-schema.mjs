#!/usr/bin/env node
// Writes schemas/distill.schema.json: the schema editors read (manifests name it in `$schema`), composed from
// core/schemas/experiment.schema.json and the built-in plugins; and, for each example with custom plugins, the schema beside
// it that includes them (what `distill schema --manifest <m> --out <dir>/distill.schema.json` writes).
// Reads the built packages: run `npm run build` first. `--check` exits 1 when a committed file differs.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outputPath = `${root}schemas/distill.schema.json`;
/** Example manifests with custom plugins; their `$schema` is `./distill.schema.json`. */
const EXAMPLES_WITH_PLUGINS = ['experiments/custom-plugin/manifest.json'];

export async function generateEditorSchema(manifest) {
  const { createPluginHost, composeEditorSchema, pluginHostForManifest, readManifest } = await import('../core/dist/manifest/index.js');
  const host = manifest ? await pluginHostForManifest(await readManifest(`${root}${manifest}`)) : await createPluginHost();
  return `${JSON.stringify(composeEditorSchema(host.registries), null, 2)}\n`;
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const targets = [
    [outputPath, undefined],
    ...EXAMPLES_WITH_PLUGINS.map((manifest) => [`${root}${manifest.replace(/[^/]+$/, 'distill.schema.json')}`, manifest]),
  ];
  let stale = false;
  for (const [path, manifest] of targets) {
    const generated = await generateEditorSchema(manifest);
    if (process.argv.includes('--check')) {
      const current = await readFile(path, 'utf8').catch(() => '');
      if (current !== generated) {
        console.error(`${path} is stale: run \`npm run build && npm run generate:schema\``);
        stale = true;
      }
    } else {
      await writeFile(path, generated);
      console.log(`wrote ${path}`);
    }
  }
  if (stale) process.exit(1);
  if (process.argv.includes('--check')) console.log('editor schemas are up to date');
}
