// The import rules of docs/architecture.md, checked by `npm run check:imports` (part of `npm test`): each folder of
// core may import only the folders in its row; there are no import cycles; the plugins package sees core only through
// its public entry points; core never imports the plugins package by name. Keep this table and the one in
// docs/architecture.md the same.

/** folder of core/src → the folders of core/src it may import (top-level files errors, display-path, version: any). */
const MAY_IMPORT = {
  plugins: [],
  secrets: [],
  random: [],
  losses: [],
  backend: [],
  io: [],
  schedules: ['plugins', 'manifest'],
  manifest: ['plugins', 'backend'],
  evaluation: ['plugins'],
  training: ['plugins', 'random', 'schedules', 'losses', 'evaluation'],
  export: ['plugins', 'manifest', 'io', 'evaluation'],
  tracking: ['plugins', 'manifest', 'secrets'],
  testing: ['plugins', 'manifest'],
  scaffold: ['plugins', 'manifest'],
  run: ['plugins', 'manifest', 'backend', 'io', 'random', 'schedules', 'losses', 'training', 'evaluation', 'export', 'tracking', 'secrets'],
  sweep: ['plugins', 'manifest', 'backend', 'random', 'training', 'tracking', 'secrets', 'run'],
  cli: ['plugins', 'manifest', 'backend', 'io', 'random', 'schedules', 'training', 'evaluation', 'export', 'tracking', 'secrets', 'run', 'sweep', 'scaffold'],
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
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$|/generated/' },
  },
};
