#!/usr/bin/env node
// Writes schemas/distill.schema.json: the schema editors read (manifests name it in `$schema`), composed from
// schemas/experiment.schema.json and the built-in plugins. Reads the built packages: run `npm run build` first.
// `--check` exits 1 when the committed file differs from what the built-ins generate.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outputPath = `${root}schemas/distill.schema.json`;

export async function generateEditorSchema() {
  const { createPluginHost, composeEditorSchema } = await import('../core/dist/index.js');
  const host = await createPluginHost();
  return `${JSON.stringify(composeEditorSchema(host.registries), null, 2)}\n`;
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const generated = await generateEditorSchema();
  if (process.argv.includes('--check')) {
    const current = await readFile(outputPath, 'utf8').catch(() => '');
    if (current !== generated) {
      console.error(`${outputPath} is stale: run \`npm run build && npm run generate:schema\``);
      process.exit(1);
    }
    console.log('editor schema is up to date');
  } else {
    await writeFile(outputPath, generated);
    console.log(`wrote ${outputPath}`);
  }
}
