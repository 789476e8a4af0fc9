// The import rules of docs/architecture.md, checked by `npm run check:imports` (part of `npm test`): each folder of
// core may import only the folders in its row; there are no import cycles; the plugins package sees core only through
// its public entry points; core never imports the plugins package by name; a package imports only what its own
// package.json declares (so what `npm pack` ships works when installed). Keep this table and the one in
// docs/architecture.md the same.

/** folder of core/src → the folders of core/src it may import (top-level files errors, display-path, version: any). */
const MAY_IMPORT = {
  plugins: ['secrets'],
  secrets: [],
  random: [],
  losses: [],
  backend: ['random'],
  io: [],
  data: ['plugins'],
  schedules: ['plugins', 'manifest'],
  manifest: ['plugins', 'backend'],
  evaluation: ['plugins', 'data'],
  training: ['plugins', 'data', 'random', 'schedules', 'losses', 'evaluation'],
  export: ['plugins', 'manifest', 'io', 'data', 'evaluation'],
  tracking: ['plugins', 'manifest', 'secrets'],
  testing: ['plugins', 'manifest', 'backend', 'random'],
  scaffold: ['plugins', 'manifest'],
  run: ['plugins', 'manifest', 'backend', 'io', 'data', 'random', 'schedules', 'losses', 'training', 'evaluation', 'export', 'tracking', 'secrets'],
  sweep: ['plugins', 'manifest', 'backend', 'random', 'training', 'tracking', 'secrets', 'run'],
  report: ['evaluation', 'tracking', 'run', 'sweep'],
  cli: ['plugins', 'manifest', 'backend', 'io', 'data', 'random', 'schedules', 'training', 'evaluation', 'export', 'tracking', 'secrets', 'run', 'sweep', 'scaffold', 'report'],
};

const TOP_LEVEL_FILES = '(errors|display-path|version)\\.ts$';

const folderRules = Object.entries(MAY_IMPORT).map(([folder, allowed]) => ({
  name: `${folder}-imports`,
  comment: `core/src/${folder}/ may import only: ${allowed.length ? allowed.join(', ') : 'nothing of core'} (docs/architecture.md)`,
  severity: 'error',
  from: { path: `^core/src/${folder}/` },
  to: { path: '^core/src/[^/]+/', pathNot: [`^core/src/(${[folder, ...allowed].join('|')})/`, `^core/src/${TOP_LEVEL_FILES}`] },
}));

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'import cycles hide which module owns what', severity: 'error', from: {}, to: { circular: true } },
    ...folderRules,
    {
      name: 'plugins-use-core-api',
      comment: "the plugins package imports @distill/core's entry points, never core's files",
      severity: 'error',
      from: { path: '^plugins/src/' },
      to: { path: '^core/', pathNot: '^core/dist/((manifest|run|sweep|tracking|backend)/)?index\\.(js|d\\.ts)$' },
    },
    {
      name: 'only-declared-packages',
      comment:
        "what a package imports at run time must be in its own package.json's dependencies or peerDependencies: an installed package has nothing else beside it (devDependencies are not installed)",
      severity: 'error',
      from: { path: '^(core|plugins)/src/' },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown', 'npm-dev', 'unknown'] },
    },
    {
      name: 'core-never-imports-plugins',
      comment: 'built-in plugins register exactly as a third-party package does: core loads them through the plugin loader',
      severity: 'error',
      from: { path: '^core/src/' },
      to: { path: '^plugins/|node_modules/@distill/plugins' },
    },
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    // Resolve packages as Node does (their "exports"), so every import is checked against a package.json.
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$|/generated/' },
  },
};
