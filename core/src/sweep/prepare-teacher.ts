// Trains the teacher a sweep's trials share, once, into the teacher cache, before the trials fan out: the trials then
// load it instead of racing for the cache lock (and holding a slot idle while they wait). Its training is journaled
// in the sweep directory (`teacher/metrics.jsonl`).
//
// The components are built in the same order as in a run (run-experiment.ts: dataset, teacher, student, semantic
// checks, losses) under the same seeded Math.random, so the teacher trained here is the very one a run would train
// and store under the same cache key.
import { mkdirSync } from 'node:fs';
import { initBackend } from '../backend/select-backend.js';
import { checkSemantics } from '../manifest/check-semantics.js';
import { withSeededMathRandom } from '../random/seeded-math-random.js';
import { RunComponents } from '../run/run-components.js';
import { createRunLog } from '../run/run-logger.js';
import { stageHooks } from '../run/stage-runner.js';
import { trainTeacher } from '../run/teacher-stage.js';
import { obtainTeacher, trainingCacheKey } from '../run/cache/cached-models.js';
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
    const backend = await initBackend(experiment.backend);
    const components = new RunComponents(host, experiment, loaded.dir, { warnings: log });
    const recorder = new RunRecorder(task.outDir, [], log);
    // The teacher is never stopped early: a cut-short teacher would be cached as if complete.
    const teacherHooks = stageHooks(recorder, forwardSteps(hooks), hooks.signal, async (stage, epoch, metrics) => {
      await hooks.epoch({ stage, epoch, metrics });
    });
    return await withSeededMathRandom(experiment.seed, async (): Promise<TeacherOutcome> => {
      const dataset = await components.dataset();
      const teacher = await components.model('teacher', dataset);
      const student = await components.model('student', dataset);
      await checkSemantics(loaded, host, { teacher: async () => teacher, student: async () => student, dataset: async () => dataset });
      const terms = await components.losses(dataset, { teacher, student });
      try {
        if (teacher.pretrained) {
          hooks.claimed?.();
          return { status: 'pretrained', durationMs: elapsed() };
        }
        log.info(`teacher stage: training ${experiment.teacher.type} for ${experiment.teacher.train.epochs} epochs`);
        const cache = new TrainingCache(task.trainingCacheDir);
        const identity = { experiment, dataset, host, backend };
        if (cache.lookup('teachers', trainingCacheKey(identity))) hooks.claimed?.();
        const cached = await obtainTeacher(cache, teacher, identity, async () => {
          hooks.claimed?.();
          await trainTeacher(teacher, dataset, experiment, components, teacherHooks);
        });
        log.info(cached.built ? `teacher stored in the cache (${cached.dir})` : `teacher found in the cache (${cached.dir})`);
        return { status: cached.built ? 'trained' : 'reused', key: cached.key, dir: cached.dir, durationMs: elapsed() };
      } finally {
        terms.forEach((t) => t.loss.dispose?.());
        teacher.model.dispose();
        student.model.dispose();
      }
    });
  } catch (error) {
    const interrupted = error instanceof RunInterruptedError;
    return { status: interrupted ? 'killed' : 'failed', error: error instanceof Error ? error.message : String(error), durationMs: elapsed() };
  }
}
