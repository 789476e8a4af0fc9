#!/usr/bin/env node
// Copies into core/dist/bundled/ the workspace files @distill/core ships beside its code: the example manifests
// (experiments/*.json) that `distill init experiment --from <name>` copies, and the editor schema for the built-in
// plugins (schemas/distill.schema.json) that their `$schema` names. The layout is kept, so the examples' relative
// `$schema` still resolves inside the package. Run by the build.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundled = `${root}core/dist/bundled/`;

rmSync(bundled, { recursive: true, force: true });
mkdirSync(`${bundled}experiments`, { recursive: true });
mkdirSync(`${bundled}schemas`, { recursive: true });
for (const file of readdirSync(`${root}experiments`).filter((name) => name.endsWith('.json'))) {
  copyFileSync(`${root}experiments/${file}`, `${bundled}experiments/${file}`);
}
copyFileSync(`${root}schemas/distill.schema.json`, `${bundled}schemas/distill.schema.json`);
