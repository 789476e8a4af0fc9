// `distill init project`: the project's README, which says what each file is for and what to run.
export interface ProjectLayout {
  readonly manifest: string;
  readonly schema: string;
  readonly pluginsDir: string;
  readonly plugin: string;
}

export function projectReadmeTemplate(name: string, layout: ProjectLayout): string {
  return `# ${name}

Knowledge-distillation experiments with [distill](https://www.npmjs.com/package/@distill/cli).

| file | what it is |
|---|---|
| \`${layout.manifest}\` | the example experiment: a teacher, a student, the losses between them |
| \`${layout.plugin}\` | a loss plugin of this project, used by the example, with its test beside it |
| \`${layout.schema}\` | the schema editors read for the manifest (\`$schema\`), with this project's plugins |
| \`tsconfig.json\` | strict TypeScript: a misspelt param in a plugin is a type error |

\`\`\`sh
npm install
npm test             # the plugins' tests (vitest)
npm run typecheck    # tsc
npm run validate     # check the manifest without training
npm run run          # run the experiment; results in runs/<runId>/
\`\`\`

A new plugin: \`npx distill init plugin --kind loss --name my-loss\` writes \`${layout.pluginsDir}/my-loss.ts\` and its test. List it
in a manifest's \`"plugins"\` (a path relative to the manifest), then \`npm run schema\` so editors complete its params.
A new experiment: \`npx distill init experiment --from quickstart --out experiments/mnist.json\`.
`;
}
