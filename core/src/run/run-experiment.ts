// A run, from a validated manifest to `summary.json`: backend → plugins → semantic checks → teacher stage (when
// the teacher is untrained) → student stage → baseline → test evaluation → saved models → summary, with every
// measurement journaled in the run directory and handed to the trackers as it happens.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { PluginHost } from '../plugins/plugin-host.js';
import type { RunStatus } from '../plugins/tracker-plugin.js';
import type { LoadedManifest } from '../manifest/validate-manifest.js';
import { checkSemantics } from '../manifest/check-semantics.js';
import { initBackend, type BackendChoice } from '../backend/select-backend.js';
import { RunRecorder } from '../tracking/run-recorder.js';
import { redactDeep, registerUriSecrets } from '../secrets/redact.js';
import { registerEnvironmentSecrets } from '../secrets/environment-secrets.js';
import { withSeededMathRandom } from '../random/seeded-math-random.js';
import { RunInterruptedError } from '../training/run-interrupted-error.js';
import type { StageHooks, StageResult } from '../training/train-stage.js';
import { saveModelFiles, saveVariables } from '../io/model-files.js';
import { flattenManifest } from './flatten-manifest.js';
import { createRunId } from './run-id.js';
import type { RunLog } from './run-logger.js';
import type { ProgressReporter } from './progress.js';
import { RunComponents } from './run-components.js';
import type { Dataset } from '../plugins/dataset-plugin.js';
import type { DistillModel } from '../plugins/model-plugin.js';
import type { LossTerm } from '../training/loss-term.js';
import { buildTracker } from './run-trackers.js';
import { publicTarget, resolveTrackingTarget, type TrackingTarget } from '../tracking/tracking-target.js';
import type { Environment } from '../plugins/run-services.js';
import { runTags } from './run-tags.js';
import { stageHooks } from './stage-runner.js';
import { saveTeacher, trainTeacher } from './teacher-stage.js';
import { teacherSignals, trainStudent } from './student-stage.js';
import { trainBaseline } from './baseline-stage.js';
import { evaluateOnTest } from './final-evaluation.js';
import { writeSummary, type RunSummary } from './run-summary.js';
import type { TrainingCache } from './cache/training-cache.js';
import { obtainBaseline, obtainTeacher } from './cache/cached-models.js';
// [compress] pruning, exported variants, logged models and the dataset input
import { withPruning } from '../training/pruning.js';
import { exportStudent, type ExportedVariant } from '../export/export-student.js';
import { loggedModels } from '../export/logged-models.js';
import { datasetInput } from '../tracking/dataset-input.js';
import { displayPath } from '../display-path.js';

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
  /** Registered model (MLflow Model Registry) that the shipped student becomes a new version of. */
  readonly registerModel?: string;
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
    const backend = await initBackend(experiment.backend);
    request.log.info(`backend: ${backend.name} — ${backend.reason}`);
    // Everything that can reject the manifest happens before the run exists: invalid input leaves no failed run behind.
    const prepared = await prepare(request);
    return execute(request, prepared, backend);
  });
}

interface Prepared {
  readonly components: RunComponents;
  readonly dataset: Dataset;
  readonly teacher: DistillModel;
  readonly student: DistillModel;
  readonly terms: LossTerm[];
}

async function prepare(request: RunRequest): Promise<Prepared> {
  const { loaded, host, log } = request;
  const experiment = loaded.experiment;
  const components = new RunComponents(host, experiment, loaded.dir, { warnings: log, environment: environmentOf(request) });
  const dataset = await components.dataset();
  log.info(`dataset ${experiment.dataset.type}: ${dataset.train.count} train, ${dataset.validation?.count ?? 0} validation, ${dataset.test.count} test, ${dataset.numClasses} classes`);
  const teacher = await components.model('teacher', dataset);
  const student = await components.model('student', dataset);
  await checkSemantics(loaded, host, { teacher: async () => teacher, student: async () => student, dataset: async () => dataset });
  const terms = await components.losses(dataset, { teacher, student });
  return { components, dataset, teacher, student, terms };
}

async function execute(request: RunRequest, prepared: Prepared, backend: BackendChoice): Promise<RunOutcome> {
  const { loaded, host, log } = request;
  const experiment = loaded.experiment;
  const runId = request.runId ?? createRunId();
  const runDir = join(request.outDir, runId);
  mkdirSync(runDir, { recursive: true });
  log.attach(runDir);
  const started = Date.now();
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
  await recorder.record({ type: 'run-started', runId, name: experiment.name, runDir, startTime: started, description: experiment.description, source: displayPath(loaded.file) });
  await recorder.params(flattenManifest(recorded));
  await recorder.tags({ ...runTags(experiment, host, backend), 'distill.tracking.chosenBy': target.chosenBy, ...request.tags });
  await recorder.record(datasetInput(experiment.dataset, prepared.dataset)); // [compress]

  const artifacts = [manifestFile];
  const stages: Record<string, StageResult> = {};
  let metrics: Record<string, number> = {};
  let status: RunStatus = 'FINISHED';
  let error: Error | undefined;
  try {
    metrics = await train(request, prepared, recorder, runDir, stages, artifacts, backend);
  } catch (caught) {
    error = caught instanceof Error ? caught : new Error(String(caught));
    status = error instanceof RunInterruptedError ? 'KILLED' : 'FAILED';
    log.warn(`run ${status === 'KILLED' ? 'killed' : 'failed'}: ${error.message}`);
    if (error.stack) log.debug(error.stack);
  } finally {
    request.progress.stageEnd();
  }
  return finish({ request, runId, runDir, started, backend, status, error, metrics, stages, artifacts, recorder });
}

async function train(
  request: RunRequest,
  prepared: Prepared,
  recorder: RunRecorder,
  runDir: string,
  stages: Record<string, StageResult>,
  artifacts: string[],
  backend: BackendChoice,
): Promise<Record<string, number>> {
  const { loaded, host, log, progress } = request;
  const { components, dataset, teacher, student, terms } = prepared;
  const experiment = loaded.experiment;
  const hooks = stageHooks(recorder, progress, request.signal, request.onEpochEnd);

  if (!teacher.pretrained) {
    const train = async () => {
      log.info(`teacher stage: training ${experiment.teacher.type} for ${experiment.teacher.train.epochs} epochs`);
      stages.teacher = await trainTeacher(teacher, dataset, experiment, components, hooks);
      progress.stageEnd();
    };
    if (request.trainingCache) {
      const cached = await obtainTeacher(request.trainingCache, teacher, { experiment, dataset, host, backend }, train);
      log.info(cached.built ? `teacher stored in the cache (${cached.dir})` : `teacher reused from the cache (${cached.dir}); no teacher stage`);
      await recorder.tags({ 'distill.teacher.cache': cached.built ? 'stored' : 'reused', 'distill.teacher.cacheKey': cached.key });
    } else {
      await train();
    }
    const files = await saveTeacher(teacher, runDir);
    artifacts.push(...files);
    log.info(`teacher saved to ${join(runDir, 'teacher')}`);
  }
  teacher.model.trainable = false;

  const signals = await teacherSignals(teacher, terms, dataset, request.trainingCache && { cache: request.trainingCache, backend: backend.name });
  if (signals.fromCache !== undefined) {
    log.info(signals.fromCache ? "teacher's outputs reused from the cache; not computed again" : "teacher's outputs stored in the cache");
    await recorder.tags({ 'distill.teacherOutputs.cache': signals.fromCache ? 'reused' : 'stored' });
  }
  const initialWeights = student.model.getWeights().map((w) => w.clone());
  log.info(`student stage: ${terms.map((t) => t.name).join(' + ')} for ${experiment.training.epochs} epochs`);
  const studentHooks = experiment.pruning ? withPruning(hooks, student.model, experiment.pruning, experiment.training.epochs) : hooks; // [compress]
  stages.student = await trainStudent(student, terms, signals, dataset, experiment, components, studentHooks);
  progress.stageEnd();

  let baseline;
  if (experiment.training.baseline) {
    baseline = await components.model('student', dataset);
    log.info(`baseline stage: the same student on hard labels alone, ${stages.student.steps} steps`);
    const trainIt = () => trainBaseline(baseline!, initialWeights, stages.student.steps, signals, dataset, experiment, components, hooks);
    if (request.trainingCache) {
      const cached = await obtainBaseline(request.trainingCache, baseline, { experiment, dataset, host, backend }, stages.student.steps, trainIt);
      stages.baseline = cached.result;
      log.info(cached.built ? `baseline stored in the cache (${cached.dir})` : `baseline reused from the cache (${cached.dir}); no baseline stage`);
      await recorder.tags({ 'distill.baseline.cache': cached.built ? 'stored' : 'reused', 'distill.baseline.cacheKey': cached.key });
    } else {
      stages.baseline = await trainIt();
    }
    progress.stageEnd();
  }
  tf.dispose(initialWeights);

  const metrics = await evaluateOnTest({ teacher, student, baseline }, dataset);
  const studentFiles = await saveModelFiles(student.model, join(runDir, 'student'));
  artifacts.push(...studentFiles);
  const lossVariables = terms.flatMap((t) => (t.loss.variables ?? []).map((v) => ({ name: `${t.name}/${v.name}`, tensor: v as tf.Tensor })));
  if (lossVariables.length) artifacts.push(...(await saveVariables(lossVariables, join(runDir, 'student'), 'loss-variables')));
  // [compress] the exported variants, evaluated like the student
  let variants: ExportedVariant[] | undefined;
  if (experiment.export) {
    const exported = await exportStudent({ student: student.model, teacher: teacher.model, test: dataset.test, inputShape: dataset.inputShape, runDir, settings: experiment.export, log });
    Object.assign(metrics, exported.metrics);
    artifacts.push(...exported.files);
    variants = exported.variants;
  }
  const step = stages.student.steps;
  const timestamp = Date.now();
  const points = Object.entries(metrics).map(([key, value]) => ({ key, value, step, epoch: stages.student.epochs - 1, timestamp }));
  await recorder.metrics(points);
  for (const model of loggedModels({ points, runId: basename(runDir), variants, register: request.registerModel })) await recorder.record(model); // [compress]
  // In summary.json only: each stage logged its last validation at the epoch it was measured.
  for (const stage of Object.keys(stages)) {
    for (const [key, value] of Object.entries(stages[stage].lastValidation)) metrics[`${stage}/val/${key}`] = value;
  }
  terms.forEach((t) => t.loss.dispose?.());
  for (const model of [teacher, student, baseline]) model?.model.dispose();
  return metrics;
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
  stages: Record<string, StageResult>;
  artifacts: string[];
  recorder: RunRecorder;
}

async function finish(f: Finish): Promise<RunOutcome> {
  const ended = Date.now();
  const relative = (file: string) => file.slice(f.runDir.length + 1).split('\\').join('/');
  const summary: RunSummary = {
    runId: f.runId,
    name: f.request.loaded.experiment.name,
    status: f.status,
    backend: { name: f.backend.name, reason: f.backend.reason, version: f.backend.version },
    startTime: new Date(f.started).toISOString(),
    endTime: new Date(ended).toISOString(),
    durationMs: ended - f.started,
    metrics: f.metrics,
    artifacts: [...f.artifacts.map(relative), 'summary.json', 'metrics.jsonl', 'run.log'],
    ...(f.error ? { error: f.error.message } : {}),
    stages: Object.fromEntries(Object.entries(f.stages).map(([k, s]) => [k, { steps: s.steps, epochs: s.epochs, stoppedEarly: s.stoppedEarly }])),
  };
  const summaryFile = writeSummary(f.runDir, summary);
  f.request.log.info(`run ${f.status.toLowerCase()} in ${((ended - f.started) / 1000).toFixed(1)}s; summary in ${summaryFile}`);
  for (const file of [...f.artifacts, summaryFile, join(f.runDir, 'metrics.jsonl'), join(f.runDir, 'run.log')]) {
    await f.recorder.artifact(file);
  }
  await f.recorder.end(f.status, f.error?.message);
  const exitCode = f.status === 'FINISHED' ? 0 : f.status === 'KILLED' ? 130 : 1;
  return { runId: f.runId, runDir: f.runDir, summary, exitCode };
}

function environmentOf(request: RunRequest): Environment {
  return request.environment ?? process.env;
}
