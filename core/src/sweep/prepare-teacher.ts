// Trains the teachers a sweep's trials share, once, into the teacher cache, before the trials fan out: the trials then
// load them instead of racing for the cache lock (and holding a slot idle while they wait). Their training is
// journaled in the sweep directory (`teacher/metrics.jsonl`).
//
// The run is prepared by the one preparation path every run takes (`prepareRun`) under the same seeded Math.random,
// and its teacher stages run through the same pipeline, so each teacher trained here is the very one a trial would
// train and store under the same cache key.
import { mkdirSync } from 'node:fs';
import { initBackend } from '../backend/select-backend.js';
import { withSeededMathRandom } from '../random/seeded-math-random.js';
import { createRunLog } from '../run/run-logger.js';
import { stageHooks } from '../run/pipeline/stage-hooks.js';
import { prepareRun } from '../run/pipeline/prepare-run.js';
import { StagePipeline } from '../run/pipeline/stage-pipeline.js';
import { trainedTeacherKey } from '../run/cache/cache-keys.js';
import { TrainingCache } from '../run/cache/training-cache.js';
import { RunRecorder } from '../tracking/run-recorder.js';
import { RunInterruptedError } from '../training/run-interrupted-error.js';
import type { TeacherOutcome, TeacherTask } from './trial-executor.js';
import { forwardSteps, type TrialHooks } from './trial-hooks.js';
import { openTrialManifest } from './open-trial-manifest.js';

export async function prepareTeacher(task: TeacherTask, hooks: TrialHooks): Promise<TeacherOutcome> {
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  try {
    const { loaded, host } = await openTrialManifest(task);
    const experiment = loaded.experiment;
    mkdirSync(task.outDir, { recursive: true });
    const log = createRunLog(task.outDir, true);
    const backend = await initBackend(experiment.backend, { threads: experiment.threads });
    const recorder = new RunRecorder(task.outDir, [], log);
    // The teacher is never stopped early: a cut-short teacher would be cached as if complete.
    const teacherHooks = stageHooks(recorder, forwardSteps(hooks), hooks.signal, async (stage, epoch, metrics) => {
      await hooks.epoch({ stage, epoch, metrics });
    });
    return await withSeededMathRandom(experiment.seed, async (): Promise<TeacherOutcome> => {
      const prepared = await prepareRun(loaded, host, { warnings: log });
      const cache = new TrainingCache(task.trainingCacheDir);
      const pipeline = new StagePipeline(prepared, { backend, log, cache });
      try {
        const plans = prepared.plans.filter((plan) => plan.kind === 'teacher');
        if (plans.length === 0) {
          hooks.claimed?.();
          return { status: 'pretrained', durationMs: elapsed() };
        }
        const identity = { experiment, dataset: prepared.dataset, host, backend };
        const keys = plans.map((plan) => trainedTeacherKey(identity, prepared.teacher((plan.model as { teacher: string }).teacher)));
        if (keys.every((key) => cache.lookup('teachers', key))) hooks.claimed?.();
        let trained = false;
        for (const plan of plans) {
          await pipeline.run(plan, { ...teacherHooks, onStageStart: () => hooks.claimed?.() });
          trained ||= plan.name in pipeline.results;
        }
        const dir = cache.lookup('teachers', keys[0]);
        log.info(trained ? `teacher stored in the cache (${dir})` : `teacher found in the cache (${dir})`);
        return { status: trained ? 'trained' : 'reused', key: keys[0], ...(dir ? { dir } : {}), durationMs: elapsed() };
      } finally {
        pipeline.dispose();
        prepared.dispose();
      }
    });
  } catch (error) {
    const interrupted = error instanceof RunInterruptedError;
    return { status: interrupted ? 'killed' : 'failed', error: error instanceof Error ? error.message : String(error), durationMs: elapsed() };
  }
}
