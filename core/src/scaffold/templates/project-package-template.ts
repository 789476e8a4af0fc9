// `distill init project`: the project's package.json. ESM ("type": "module"), so Node and tsx load its .ts and .js
// plugins as ES modules; scripts for the example experiment, the tests and the type check; distill, @distill/core
// (what plugins import) and TensorFlow.js at the versions of the distill that wrote it.
export interface ProjectVersions {
  /** The distill packages' version (released together). */
  readonly distill: string;
  /** The TensorFlow.js range @distill/core asks for: one copy for core and every plugin. */
  readonly tfjs: string;
}

/** The package.json of a project named `name` whose example manifest is `manifest` (relative to the project). */
export function projectPackageTemplate(name: string, manifest: string, schema: string, versions: ProjectVersions): string {
  const pkg = {
    name,
    version: '0.1.0',
    private: true,
    description: 'Knowledge-distillation experiments with distill',
    type: 'module',
    scripts: {
      run: `distill run ${manifest}`,
      validate: `distill validate ${manifest}`,
      schema: `distill schema --manifest ${manifest} --out ${schema}`,
      test: 'vitest run',
      typecheck: 'tsc',
    },
    dependencies: {
      '@distill/cli': `^${versions.distill}`,
      '@distill/core': `^${versions.distill}`,
      '@tensorflow/tfjs': versions.tfjs,
    },
    // The versions distill's own plugin tests run with.
    devDependencies: {
      '@types/node': '^20.19.0',
      typescript: '^7.0.2',
      vitest: '^4.1.12',
    },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}
