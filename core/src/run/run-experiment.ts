// A run, from a validated manifest to `summary.json`: backend → plugins → semantic checks → teacher stage (when
// the teacher is untrained) → student stage → baseline → test evaluation → saved models → summary, with every
// measurement journaled in the run directory and handed to the trackers as it happens.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { PluginHost } from '../plugins/plugin-host.js';
import type { RunStatus } from '../plugins/tracker-plugin.js';
import type { LoadedManifest } from '../manifest/validate-manifest.js';
import { initBackend, type BackendChoice } from '../backend/select-backend.js';
import { RunRecorder } from '../tracking/run-recorder.js';
import { redactDeep, registerUriSecrets } from '../secrets/redact.js';
import { registerEnvironmentSecrets } from '../secrets/environment-secrets.js';
import { currentMathRandom, withSeededMathRandom } from '../random/seeded-math-random.js';
import { RunInterruptedError } from '../training/run-interrupted-error.js';
import type { StageHooks, StageResult } from '../training/train-stage.js';
import { saveModelFiles, saveVariables } from '../io/model-files.js';
import { writeTokenizerFile } from '../io/tokenizer-file.js';
import { flattenManifest } from './flatten-manifest.js';
import { createRunId } from './run-id.js';
import type { RunLog } from './run-logger.js';
import type { ProgressReporter } from './progress.js';
import { buildTracker } from './run-trackers.js';
import { publicTarget, resolveTrackingTarget, type TrackingTarget } from '../tracking/tracking-target.js';
import type { Environment } from '../plugins/run-services.js';
import { runTags } from './run-tags.js';
import { stageHooks } from './pipeline/stage-hooks.js';
import { prepareRun, type PreparedRun } from './pipeline/prepare-run.js';
import { StagePipeline } from './pipeline/stage-pipeline.js';
import type { RunnerHooks } from './pipeline/run-stage.js';
import { evaluateOnTest, sourceScorer } from './final-evaluation.js';
import type { Scorer } from '../evaluation/evaluate-split.js';
import type { DistillModel } from '../plugins/model-plugin.js';
import { writeEvaluationFile } from '../evaluation/evaluation-file.js';
import { writeSummary, type RunSummary } from './run-summary.js';
import type { TrainingCache } from './cache/training-cache.js';
import { lossVariableEntries } from './loss-variables.js';
import { MagnitudePruner, withPruning } from '../training/pruning.js';
import { exportStudent, type ExportedVariant } from '../export/export-student.js';
import { loggedModels } from '../export/logged-models.js';
import { datasetInput } from '../tracking/dataset-input.js';
import { displayPath } from '../display-path.js';
import { readJournal } from '../tracking/run-journal.js';
import { EarlyStopping, DEFAULT_EARLY_STOPPING } from './pipeline/early-stopping-hooks.js';
import { RunCheckpointer, type CheckpointMeta, type RunInvocation } from './checkpoints/run-checkpointer.js';
import { loadCheckpoint, type VerifiedCheckpoint } from './checkpoints/checkpoint-files.js';
import { disposeCheckpoint, rewindJournal } from './checkpoints/resume-point.js';
import { Heartbeat } from '../tracking/heartbeat.js';

export interface RunRequest {
  readonly loaded: LoadedManifest;
  readonly host: PluginHost;
  /** Parent of the run directory (`./runs`). */
  readonly outDir: string;
  readonly log: RunLog & { attach(runDir: string): void };
  readonly progress: ProgressReporter;
  /** Where the run is recorded (see `resolveTrackingTarget`); default: the manifest's tracker, or the environment's. */
  readonly tracking?: TrackingTarget;
  /** The environment plugins may read (default: this process's). */
  readonly environment?: Environment;
  /** Aborting it ends the run as KILLED at the next step. */
  readonly signal?: AbortSignal;
  readonly runId?: string;
  /** Extra tags (a sweep's parent run id). */
  readonly tags?: Readonly<Record<string, string>>;
  /** Sweeps judge trials after each validation and may stop them. */
  readonly onEpochEnd?: StageHooks['onEpochEnd'];
  /** Reuse (or fill) a cache of trained teachers instead of always training the teacher. */
  readonly trainingCache?: TrainingCache;
  /** More stage hooks (checkpoints, pruning, augmentation): called besides the run's own. */
  readonly hooks?: Partial<Omit<RunnerHooks, 'metrics' | 'onEpochEnd' | 'checkpoint'>>;
  /** Files made from the finished run directory (the HTML report), recorded as artifacts before the run ends. */
  readonly finalArtifacts?: (runDir: string) => Promise<readonly string[]>;
  /** Registered model (MLflow Model Registry) that the shipped student becomes a new version of. */
  readonly registerModel?: string;
  /** Write checkpoints (`distill run`): how the run was started, recorded in each so `--resume` can start it again. */
  readonly checkpoints?: { readonly invocation: RunInvocation };
  /** Continue the run in `<outDir>/<runId>` from this checkpoint (`distill run --resume`). */
  readonly resume?: { readonly checkpoint: VerifiedCheckpoint<CheckpointMeta>; readonly changes: readonly string[] };
}

export interface RunOutcome {
  readonly runId: string;
  readonly runDir: string;
  readonly summary: RunSummary;
  /** 0 finished, 1 failed, 130 killed. */
  readonly exitCode: number;
}

export async function runExperiment(request: RunRequest): Promise<RunOutcome> {
  const experiment = request.loaded.experiment;
  return withSeededMathRandom(experiment.seed, async () => {
    const backend = await initBackend(experiment.backend, { threads: experiment.threads });
    request.log.info(`backend: ${backend.name} — ${backend.reason}`);
    for (const problem of backend.problems) request.log.warn(`${problem}; auto skipped it`);
    for (const warning of backend.warnings ?? []) request.log.warn(warning);
    // Everything that can reject the manifest happens before the run exists: invalid input leaves no failed run behind.
    const prepared = await prepareRun(request.loaded, request.host, { warnings: request.log, environment: environmentOf(request) }, { log: request.log });
    try {
      return await execute(request, prepared, backend);
    } finally {
      prepared.dispose();
    }
  });
}

async function execute(request: RunRequest, prepared: PreparedRun, backend: BackendChoice): Promise<RunOutcome> {
  const { loaded, host, log } = request;
  const experiment = loaded.experiment;
  const runId = request.runId ?? createRunId();
  const runDir = join(request.outDir, runId);
  const resume = request.resume;
  // A resumed run's journal goes back to where its checkpoint had it: the steps after it are trained (and logged) again.
  if (resume) rewindJournal(runDir, resume.checkpoint.meta.journal);
  mkdirSync(runDir, { recursive: true });
  log.attach(runDir);
  const started = (resume && startTimeOf(runDir)) || Date.now();
  if (resume) {
    log.info(`resuming run ${runId} from checkpoint ${resume.checkpoint.name} (stage ${resume.checkpoint.meta.stage}, written ${resume.checkpoint.meta.createdAt})`);
    for (const change of resume.changes) log.warn(`resumed with a changed manifest: ${change}`);
  }
  const heartbeat = new Heartbeat(runDir);
  // Whatever the run's environment and tracking target hold in credentials is masked in everything it writes.
  registerEnvironmentSecrets(environmentOf(request));
  const target = request.tracking ?? resolveTrackingTarget({ manifest: loaded.namesTracker ? experiment.tracking : undefined, environment: environmentOf(request) }, host.registries.tracker);
  for (const value of Object.values(target.params)) if (typeof value === 'string') registerUriSecrets(value);
  // What ran is recorded: the tracker actually used, without credentials.
  const recorded = { ...experiment, tracking: { type: target.type, params: publicTarget(target).params } };
  const manifestFile = join(runDir, 'manifest.resolved.json');
  // Credentials in a tracking URI stay out of every file the run writes (and uploads).
  writeFileSync(manifestFile, `${JSON.stringify(redactDeep(recorded), null, 2)}\n`);
  log.info(`run ${runId} (${experiment.name}) in ${runDir}`);
  log.info(`tracking: ${target.type} (chosen by ${target.chosenBy})`);

  const tracker = await buildTracker(host, prepared.components, target, {
    warnings: log,
    environment: environmentOf(request),
    run: { runId, runDir, name: experiment.name },
  });
  const recorder = new RunRecorder(runDir, [tracker], log);
  if (resume) await recorder.resume();
  else {
    await recorder.record({ type: 'run-started', runId, name: experiment.name, runDir, startTime: started, description: experiment.description, source: displayPath(loaded.file) });
    await recorder.params(flattenManifest(recorded));
    await recorder.tags({ ...runTags(experiment, host, backend, prepared.teachers), 'distill.tracking.chosenBy': target.chosenBy, ...request.tags });
    await recorder.record(datasetInput(experiment.dataset, prepared.dataset));
  }

  const artifacts = [manifestFile];
  const pipeline = new StagePipeline(prepared, {
    backend,
    log,
    runDir,
    ...(request.trainingCache ? { cache: request.trainingCache } : {}),
    tags: (tags) => recorder.tags(tags),
    stageEnd: () => request.progress.stageEnd(),
  });
  let metrics: Record<string, number> = {};
  let status: RunStatus = 'FINISHED';
  let error: Error | undefined;
  try {
    metrics = await train(request, pipeline, recorder, runDir, artifacts);
  } catch (caught) {
    error = caught instanceof Error ? caught : new Error(String(caught));
    status = error instanceof RunInterruptedError ? 'KILLED' : 'FAILED';
    log.warn(`run ${status === 'KILLED' ? 'killed' : 'failed'}: ${error.message}`);
    if (error.stack) log.debug(error.stack);
  } finally {
    request.progress.stageEnd();
    pipeline.dispose();
    heartbeat.stop();
  }
  return finish({ request, runId, runDir, started, backend, status, error, metrics, stages: pipeline.results, artifacts: [...artifacts.slice(0, 1), ...pipeline.artifacts, ...artifacts.slice(1)], recorder, datasetFacts: prepared.dataset.facts, augmentation: prepared.augmentations.length ? { seed: prepared.augmentationSeed, steps: prepared.experiment.training.augment } : undefined });
}

/** prepare → plan → every stage through the one runner → test evaluation → saved student → final metrics. */
async function train(request: RunRequest, pipeline: StagePipeline, recorder: RunRecorder, runDir: string, artifacts: string[]): Promise<Record<string, number>> {
  const { prepared } = pipeline;
  const base: RunnerHooks = { ...request.hooks, ...stageHooks(recorder, request.progress, request.signal, request.onEpochEnd) };
  const distillStages = new Set(prepared.plans.filter((plan) => plan.kind === 'distill').map((plan) => plan.name));
  const settings = prepared.experiment.training.earlyStopping;
  const earlyStopping = new EarlyStopping(settings ? { ...DEFAULT_EARLY_STOPPING, ...settings } : DEFAULT_EARLY_STOPPING, distillStages, request.log, settings !== undefined);
  const pruner = studentPruner(prepared);
  let hooks = earlyStopping.wrap(withStudentPruning(base, prepared, pruner));
  const resumeFrom = request.resume ? await loadCheckpoint(request.resume.checkpoint) : undefined;
  if (request.checkpoints) {
    const checkpoint = prepared.experiment.training.checkpoint;
    const checkpointer = new RunCheckpointer({
      runDir,
      prepared,
      settings: { keep: checkpoint?.keep ?? 2, ...(checkpoint?.everySteps ? { everySteps: checkpoint.everySteps } : {}) },
      params: flattenManifest(prepared.experiment),
      invocation: request.checkpoints.invocation,
      earlyStopping,
      runRandom: currentMathRandom(),
      journalSeq: () => recorder.journalSeq,
      baseline: () => pipeline.baselineModel?.model,
      log: request.log,
      ...(pruner ? { pruner } : {}),
      ...(resumeFrom ? { resumeFrom } : {}),
    });
    hooks = checkpointer.wrap(hooks);
  }
  try {
    await pipeline.runAll(hooks);
  } finally {
    earlyStopping.dispose();
    pruner?.dispose();
    if (resumeFrom) disposeCheckpoint(resumeFrom);
  }

  const teachers = prepared.teachers.map((t) => ({ name: t.name, label: t.label, ...(t.model ? { model: t.model } : { scorer: sourceScorer(t.source!) }) }));
  const baseline = pipeline.baselineModel;
  const { metrics, evaluation } = await evaluateOnTest({ teachers, student: prepared.student, ...(baseline ? { baseline } : {}) }, prepared.splits.test, prepared.layout, prepared.dataset.classNames);
  if (evaluation) artifacts.push(writeEvaluationFile(runDir, evaluation));
  artifacts.push(...(await saveModelFiles(prepared.student.model, join(runDir, 'student'))));
  if (prepared.dataset.tokenizer) artifacts.push(writeTokenizerFile(join(runDir, 'student'), prepared.dataset.tokenizer));
  for (const [key, value] of Object.entries(prepared.dataset.metrics ?? {})) metrics[`dataset/${key}`] = value;
  const lossVariables = lossVariableEntries(prepared);
  if (lossVariables.length) artifacts.push(...(await saveVariables(lossVariables, join(runDir, 'student'), 'loss-variables')));
  const variants = await exportVariants(request, prepared, teachers, runDir, metrics, artifacts);
  const stages = pipeline.results;
  const last = lastStudentStage(pipeline);
  const timestamp = Date.now();
  const points = Object.entries(metrics).map(([key, value]) => ({ key, value, step: last?.steps ?? 0, epoch: (last?.epochs ?? 1) - 1, timestamp }));
  await recorder.metrics(points);
  for (const model of loggedModels({ points, runId: basename(runDir), variants, register: request.registerModel })) await recorder.record(model);
  // In summary.json only: each stage logged its last validation at the epoch it was measured, once.
  for (const stage of Object.keys(stages)) {
    for (const [key, value] of Object.entries(stages[stage].lastValidation)) metrics[`${stage}/val/${key}`] = value;
  }
  return metrics;
}

/**
 * With the manifest's `pruning`, the last distillation stage prunes the student (its masks re-applied after every
 * optimizer step); every other stage runs with the hooks as they are.
 */
function withStudentPruning(hooks: RunnerHooks, prepared: PreparedRun, pruner: MagnitudePruner | undefined): RunnerHooks {
  const pruning = prepared.experiment.pruning;
  const plan = prepared.plans.filter((p) => p.kind === 'distill').at(-1);
  if (!pruning || !plan || !pruner) return hooks;
  const pruned = withPruning(hooks, prepared.student.model, pruning, plan.epochs, pruner);
  return {
    ...hooks,
    afterStep: (state) => (state.stage === plan.name ? pruned.afterStep!(state) : hooks.afterStep?.(state)),
    onEpochEnd: (stage, epoch, metrics) => (stage === plan.name ? pruned.onEpochEnd!(stage, epoch, metrics) : hooks.onEpochEnd?.(stage, epoch, metrics) ?? Promise.resolve()),
  };
}

/** The pruner of the last distillation stage, with the manifest's `pruning` (its masks go into checkpoints). */
function studentPruner(prepared: PreparedRun): MagnitudePruner | undefined {
  const pruning = prepared.experiment.pruning;
  const plan = prepared.plans.filter((p) => p.kind === 'distill').at(-1);
  return pruning && plan ? new MagnitudePruner(prepared.student.model, pruning, plan.epochs) : undefined;
}

/** The exported variants of the manifest's `export`, each evaluated like the student; their metrics join `metrics`. */
async function exportVariants(
  request: RunRequest,
  prepared: PreparedRun,
  teachers: readonly { model?: DistillModel; scorer?: Scorer }[],
  runDir: string,
  metrics: Record<string, number>,
  artifacts: string[],
): Promise<ExportedVariant[] | undefined> {
  const settings = prepared.experiment.export;
  if (!settings) return undefined;
  const reference = teachers[0];
  const teacher = reference?.model?.model ?? reference?.scorer;
  const exported = await exportStudent({ student: prepared.student.model, ...(teacher ? { teacher } : {}), test: prepared.splits.test, layout: prepared.layout, runDir, settings, log: request.log });
  Object.assign(metrics, exported.metrics);
  artifacts.push(...exported.files);
  return exported.variants;
}

/** The result of the last distillation stage: the final metrics are recorded at its last step. */
function lastStudentStage(pipeline: StagePipeline): StageResult | undefined {
  const names = pipeline.prepared.plans.filter((plan) => plan.kind === 'distill').map((plan) => plan.name);
  return pipeline.results[names[names.length - 1]];
}

interface Finish {
  request: RunRequest;
  runId: string;
  runDir: string;
  started: number;
  backend: BackendChoice;
  status: RunStatus;
  error?: Error;
  metrics: Record<string, number>;
  stages: Readonly<Record<string, StageResult>>;
  artifacts: string[];
  recorder: RunRecorder;
  datasetFacts?: Readonly<Record<string, number>>;
  augmentation?: RunSummary['augmentation'];
}

async function finish(f: Finish): Promise<RunOutcome> {
  const ended = Date.now();
  const relative = (file: string) => file.slice(f.runDir.length + 1).split('\\').join('/');
  const summary: RunSummary = {
    runId: f.runId,
    name: f.request.loaded.experiment.name,
    status: f.status,
    backend: { name: f.backend.name, reason: f.backend.reason, version: f.backend.version, ...(f.backend.threads !== undefined ? { threads: f.backend.threads } : {}) },
    startTime: new Date(f.started).toISOString(),
    endTime: new Date(ended).toISOString(),
    durationMs: ended - f.started,
    metrics: f.metrics,
    artifacts: [...f.artifacts.map(relative), 'summary.json', 'metrics.jsonl', 'run.log'],
    ...(f.error ? { error: f.error.message } : {}),
    stages: Object.fromEntries(
      Object.entries(f.stages).map(([k, s]) => [
        k,
        { steps: s.steps, epochs: s.epochs, stoppedEarly: s.stoppedEarly, ...(s.stoppedBy ? { stoppedBy: s.stoppedBy } : {}), ...(s.weightsEpoch !== undefined ? { weightsEpoch: s.weightsEpoch } : {}) },
      ]),
    ),
    ...studentWeights(f),
    ...(f.request.resume ? { resumedFrom: { checkpoint: f.request.resume.checkpoint.name, ...(f.request.resume.changes.length ? { changes: f.request.resume.changes } : {}) } } : {}),
    ...(f.datasetFacts ? { dataset: { ...f.datasetFacts } } : {}),
    ...(f.augmentation ? { augmentation: f.augmentation } : {}),
  };
  const summaryFile = writeSummary(f.runDir, summary);
  f.request.log.info(`run ${f.status.toLowerCase()} in ${((ended - f.started) / 1000).toFixed(1)}s; summary in ${summaryFile}`);
  const made = await finalArtifacts(f);
  for (const file of [...f.artifacts, summaryFile, join(f.runDir, 'metrics.jsonl'), join(f.runDir, 'run.log'), ...made]) {
    await f.recorder.artifact(file);
  }
  await f.recorder.end(f.status, f.error?.message);
  const exitCode = f.status === 'FINISHED' ? 0 : f.status === 'KILLED' ? 130 : 1;
  return { runId: f.runId, runDir: f.runDir, summary, exitCode };
}

/** Which weights the student was evaluated and saved with: the last distillation stage's, after which of its epochs. */
function studentWeights(f: Finish): Pick<RunSummary, 'studentWeights'> {
  const stage = f.request.loaded.experiment.stages?.at(-1)?.name ?? 'student';
  const result = f.stages[stage];
  if (!result || f.status !== 'FINISHED') return {};
  const epoch = result.weightsEpoch ?? result.epochs;
  return { studentWeights: { stage, epoch, restoredBest: epoch !== result.epochs } };
}

/** When a resumed run first started (its journal's `run-started`). */
function startTimeOf(runDir: string): number | undefined {
  const started = readJournal(runDir).find((event) => event.type === 'run-started');
  return started?.type === 'run-started' ? started.startTime : undefined;
}

function environmentOf(request: RunRequest): Environment {
  return request.environment ?? process.env;
}

/** A file that cannot be made is a warning: the run's own results are already written. */
async function finalArtifacts(f: Finish): Promise<readonly string[]> {
  try {
    return (await f.request.finalArtifacts?.(f.runDir)) ?? [];
  } catch (error) {
    f.request.log.warn(`could not write the run's report: ${(error as Error).message}`);
    return [];
  }
}
