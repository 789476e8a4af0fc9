// `distill init project`: the tsconfig.json `npm run typecheck` (tsc) and editors read. Strict, so a plugin's params,
// typed from its params schema, reject a misspelt name; no output, since distill and vitest run the .ts files
// themselves (through tsx and vite). Decorators for class plugins, which inject their params.
export function projectTsconfigTemplate(pluginsDir: string): string {
  const tsconfig = {
    compilerOptions: {
      target: 'es2022',
      lib: ['es2023'],
      module: 'nodenext',
      moduleResolution: 'nodenext',
      types: ['node'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      experimentalDecorators: true,
    },
    include: [`${pluginsDir}/**/*.ts`],
  };
  return `${JSON.stringify(tsconfig, null, 2)}\n`;
}
