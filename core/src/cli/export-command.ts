// `distill export <runDir>`: exports a finished run's student again — in the manifest's `export` formats, or those
// given with --quantize — evaluates each variant on the test split like the student, adds the results to the run's
// summary.json and journal, and sends them to MLflow when the run is recorded there.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { openManifest } from '../manifest/open-manifest.js';
import type { Export } from '../manifest/generated/experiment.js';
import { initBackend } from '../backend/select-backend.js';
import { loadModelFiles } from '../io/model-files.js';
import { RunComponents } from '../run/run-components.js';
import { createRunLog } from '../run/run-logger.js';
import { SUMMARY_FILE, writeSummary, type RunSummary } from '../run/run-summary.js';
import { exportStudent } from '../export/export-student.js';
import { loggedModels } from '../export/logged-models.js';
import type { QuantizationMode } from '../export/quantize-weights.js';
import { RunJournal } from '../tracking/run-journal.js';
import { syncRun } from '../tracking/sync-runs.js';
import { sourceOf } from '../data/in-memory-source.js';
import { layoutOf } from '../data/sample-layout.js';
import { MLFLOW_STATE_FILE } from '../tracking/mlflow/mlflow-sync-state.js';
import { createPluginHost } from '../plugins/create-plugin-host.js';
import { suggestion } from '../plugins/did-you-mean.js';
import { formatSummaryTable } from './summary-table.js';
import { addPluginOption } from './manifest-options.js';

const MODES: readonly QuantizationMode[] = ['float32', 'float16', 'uint16', 'uint8'];

interface ExportOptions {
  quantize?: string;
  maxAccuracyDrop?: string;
  manifest?: string;
  plugin?: string[];
  quiet?: boolean;
}

export function register(command: Command): void {
  command
    .argument('<runDir>', 'a finished run directory (runs/<runId>)')
    .option('--quantize <formats>', `comma-separated weight formats (${MODES.join(', ')}); default: the manifest's export.quantize`)
    .option('--max-accuracy-drop <fraction>', 'accuracy loss past which a variant is reported as collapsed (default: the manifest\'s, else 0.02)')
    .option('--manifest <file>', "the run's original manifest, when its custom plugins are given by paths relative to it")
    .option('--quiet', 'no info lines on stderr (warnings still show)');
  addPluginOption(command)
    .addHelpText('after', '\nExamples:\n  distill export runs/20260101-120000-abc123 --quantize uint8,float16')
    .action(async (dir: string, options: ExportOptions) => {
      process.exitCode = await exportCommand(resolve(dir), options);
    });
}

async function exportCommand(runDir: string, options: ExportOptions): Promise<number> {
  const summary = readSummary(runDir);
  const studentDir = join(runDir, 'student');
  if (!existsSync(join(studentDir, 'model.json'))) throw new UserError(`${runDir} has no student/model.json: the run did not save a student (status ${summary.status})`);
  const manifestFile = options.manifest ? resolve(options.manifest) : join(runDir, 'manifest.resolved.json');
  const { host, manifest } = await openManifest(manifestFile, { cliPlugins: options.plugin ?? [] });
  const experiment = manifest.experiment;
  const settings = exportSettings(options, experiment.export);
  const log = createRunLog(undefined, options.quiet);
  await initBackend(experiment.backend, { threads: experiment.threads });
  const components = new RunComponents(host, experiment, manifest.dir, { warnings: log, environment: process.env });
  const dataset = await components.dataset();
  const student = await loadModelFiles(studentDir);
  const teacher = existsSync(join(runDir, 'teacher', 'model.json'))
    ? await loadModelFiles(join(runDir, 'teacher'))
    : (await components.model('teacher', dataset)).model;
  const outcome = await exportStudent({ student, teacher, test: sourceOf(dataset.test), layout: layoutOf(dataset), runDir, settings, log });
  student.dispose();
  teacher.dispose();
  // The variant that ships stays the one the run exported first, when it exported any.
  const metrics = Object.fromEntries(Object.entries(outcome.metrics).filter(([key]) => !(key.startsWith('deployed/') && `deployed/test/accuracy` in summary.metrics)));
  const updated = record(runDir, summary, metrics, outcome.files, outcome.variants);
  process.stdout.write(`${formatSummaryTable(updated)}\n`);
  if (existsSync(join(runDir, MLFLOW_STATE_FILE))) {
    const result = await syncRun(runDir, { host: await createPluginHost(), environment: process.env, warnings: log });
    process.stderr.write(result?.error ? `not sent to MLflow: ${result.error} (retry with: distill sync ${runDir})\n` : `sent to MLflow (${result?.location ?? ''})\n`);
    if (result?.error) return 1;
  }
  return 0;
}

function readSummary(runDir: string): RunSummary {
  const file = join(runDir, SUMMARY_FILE);
  if (!existsSync(file)) throw new UserError(`${runDir} is not a run directory: it has no ${SUMMARY_FILE}`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunSummary;
  } catch (error) {
    throw new UserError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** The formats to export: --quantize, else the manifest's `export`. */
export function exportSettings(options: Pick<ExportOptions, 'quantize' | 'maxAccuracyDrop'>, manifest: Export | undefined): Export {
  const quantize = options.quantize?.split(',').map((mode) => mode.trim()).filter(Boolean);
  if (!quantize && !manifest) {
    throw new UserError("the run's manifest has no \"export\" section", { hint: 'name the formats: --quantize uint8,float16' });
  }
  for (const mode of quantize ?? []) {
    if (!MODES.includes(mode as QuantizationMode)) throw new UserError(`--quantize: unknown format "${mode}"; ${suggestion(mode, MODES)}`);
  }
  const drop = options.maxAccuracyDrop === undefined ? undefined : Number(options.maxAccuracyDrop);
  if (drop !== undefined && !(drop >= 0 && drop <= 1)) {
    throw new UserError(`--max-accuracy-drop: must be a fraction between 0 and 1 (got "${options.maxAccuracyDrop}")`, { hint: 'two points of accuracy: --max-accuracy-drop 0.02' });
  }
  return {
    quantize: (quantize ?? manifest!.quantize) as Export['quantize'],
    maxAccuracyDrop: drop ?? manifest?.maxAccuracyDrop,
  };
}

/** summary.json gains the new metrics and files; the journal gains them too, for the trackers and `distill sync`. */
function record(runDir: string, summary: RunSummary, metrics: Record<string, number>, files: string[], variants: Parameters<typeof loggedModels>[0]['variants']): RunSummary {
  const relative = (file: string) => file.slice(runDir.length + 1).split('\\').join('/');
  const artifacts = [...new Set([...summary.artifacts, ...files.map(relative)])];
  const updated: RunSummary = { ...summary, metrics: { ...summary.metrics, ...metrics }, artifacts };
  writeSummary(runDir, updated);
  const journal = new RunJournal(runDir);
  const step = summary.stages.student?.steps ?? 0;
  const epoch = (summary.stages.student?.epochs ?? 1) - 1;
  const timestamp = Date.now();
  const points = Object.entries(metrics).map(([key, value]) => ({ key, value, step, epoch, timestamp }));
  journal.append({ type: 'metrics', points });
  for (const file of files) journal.append({ type: 'artifact', path: relative(file) });
  for (const model of loggedModels({ points, runId: basename(runDir), variants }).filter((m) => m.name !== 'student')) journal.append(model);
  journal.append({ type: 'artifact', path: SUMMARY_FILE });
  return updated;
}
