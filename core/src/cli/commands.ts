// The commands of `distill`, with the one line `distill --help` shows for each. A command's module (its arguments,
// options and action, and everything they import: tfjs, the plugins, Redis) is loaded only when that command runs,
// so `--version`, `--help` and the light commands start at once.
import type { Command } from 'commander';

export interface CommandEntry {
  readonly description: string;
  /** Other names the command answers to (`distill doctor`). */
  readonly aliases?: readonly string[];
  load(): Promise<{ register(command: Command): void }>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  validate: {
    description: "check a manifest: its structure, plugin types and params, the data and models it builds, and the plugins' own checks",
    load: () => import('./validate-command.js'),
  },
  run: { description: 'train a student from a manifest: teacher stage if needed, distillation, baseline, evaluation', load: () => import('./run-command.js') },
  schema: {
    description: "print the manifest JSON Schema with the params of every registered plugin (for editors), or one plugin's params schema",
    load: () => import('./schema-command.js'),
  },
  plugins: { description: 'list the registered plugins by kind, with their params', load: () => import('./plugins-command.js') },
  predict: {
    description: "write one teacher's logits (or probabilities) on every split as a predictions file (.npy + .json) for the teacher-predictions teacher",
    load: () => import('./predict-command.js'),
  },
  sweep: { description: 'run a hyperparameter sweep: parallel trials, early termination, a ranking; resumable', load: () => import('./sweep-command.js') },
  export: {
    description: "export a run's student again as float16 / uint16 / uint8 weights that stock TensorFlow.js loads, each evaluated on the test split",
    load: () => import('./export-command.js'),
  },
  sync: { description: 'send to MLflow whatever local runs have not delivered yet (idempotent: nothing is sent twice)', load: () => import('./sync-command.js') },
  runs: { description: 'list local runs: id, name, status, key metrics, and whether MLflow has them (see distill sync)', load: () => import('./runs-command.js') },
  init: { description: 'start a project of your own, a plugin (TypeScript, with a test) or an experiment manifest', load: () => import('./init-command.js') },
  backends: {
    description: 'show the installed compute backends, what "auto" picks and why, and self-test each one against cpu',
    aliases: ['doctor'],
    load: () => import('./backends-command.js'),
  },
  report: {
    description: 'write an HTML report of a run, a comparison of several runs, or a sweep (one file, opens offline)',
    load: () => import('./report-command.js'),
  },
  worker: { description: 'run the trials of queue sweeps (distill sweep --queue) pulled from Redis, until stopped', load: () => import('./worker-command.js') },
};
