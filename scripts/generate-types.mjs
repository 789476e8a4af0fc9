#!/usr/bin/env node
// Generates core/src/manifest/generated/experiment.ts from core/schemas/experiment.schema.json.
// `--check` exits 1 when the committed file differs from what the schema generates (the stale-types check).
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const schemaPath = `${root}core/schemas/experiment.schema.json`;
const outputPath = `${root}core/src/manifest/generated/experiment.ts`;

export async function generateExperimentTypes() {
  const schema = withoutDefaultsBesideRefs(JSON.parse(await readFile(schemaPath, 'utf8')));
  return compile(schema, 'Experiment', {
    bannerComment:
      '/* GENERATED FILE: do not edit. Generated from core/schemas/experiment.schema.json by `npm run generate:types`. */',
    additionalProperties: false,
    unreachableDefinitions: true,
    style: { singleQuote: true, printWidth: 120 },
  });
}

// json-schema-to-typescript names a `$ref` with sibling keywords as a new type (`OptimizerReference1`);
// defaults do not change types, so they are dropped before compiling.
function withoutDefaultsBesideRefs(node) {
  if (Array.isArray(node)) return node.map(withoutDefaultsBesideRefs);
  if (node === null || typeof node !== 'object') return node;
  const copy = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'default' && '$ref' in node) continue;
    copy[key] = withoutDefaultsBesideRefs(value);
  }
  return copy;
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const generated = await generateExperimentTypes();
  if (process.argv.includes('--check')) {
    const current = await readFile(outputPath, 'utf8').catch(() => '');
    if (current !== generated) {
      console.error(`${outputPath} is stale: run \`npm run generate:types\``);
      process.exit(1);
    }
    console.log('generated types are up to date');
  } else {
    await writeFile(outputPath, generated);
    console.log(`wrote ${outputPath}`);
  }
}
