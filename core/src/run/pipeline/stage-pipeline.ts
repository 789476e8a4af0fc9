// Runs a prepared run's stage plans one after another through `runStage`, and does what lies around a stage: a teacher
// or the baseline taken from the training cache instead of trained (when a cache is given), a trained teacher saved
// to the run directory, the teachers' outputs computed once before the first stage that needs them, the baseline
// built from the student's initial weights. It is the stage context `runStage` runs against.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { DistillModel } from '../../plugins/model-plugin.js';
import type { BackendChoice } from '../../backend/select-backend.js';
import { saveModelFiles } from '../../io/model-files.js';
import { withSeededMathRandom } from '../../random/seeded-math-random.js';
import { deriveSeed } from '../../random/seeded-random.js';
import type { LossTerm } from '../../training/loss-term.js';
import type { StageResult, StageTeacher } from '../../training/train-stage.js';
import type { TrainingCache } from '../cache/training-cache.js';
import { obtainTrainedModel } from '../cache/cached-models.js';
import { baselineKey, trainedTeacherKey, type CacheIdentity } from '../cache/cache-keys.js';
import type { PreparedRun, PreparedTeacher } from './prepare-run.js';
import { budgetSteps, runStage, type RunnerHooks, type StageContext } from './run-stage.js';
import type { StageOutcome, StagePlan } from './stage-plan.js';
import { TeacherSignalStore } from './teacher-signals.js';
import { batchAugmenter } from '../../training/augment-batch.js';

export interface PipelineOptions {
  readonly backend: Pick<BackendChoice, 'name'>;
  readonly log: { info(message: string): void };
  /** Reuse (or fill) a cache of trained teachers, baselines and teachers' outputs. */
  readonly cache?: TrainingCache;
  /** Where trained teachers are saved (`teacher/`, or `teachers/<name>/`); nothing is saved without it. */
  readonly runDir?: string;
  /** Records what the cache did as run tags. */
  readonly tags?: (tags: Record<string, string>) => Promise<void>;
  /** Called after each stage, run or taken from the cache (the progress display ends its bar). */
  readonly stageEnd?: () => void;
}

export class StagePipeline implements StageContext {
  readonly outcomes: StageOutcome[] = [];
  /** Files written to the run directory (trained teachers). */
  readonly artifacts: string[] = [];
  /** Every stage's record, run or taken from the cache, by stage name. */
  readonly results: Record<string, StageResult> = {};
  private baseline?: DistillModel;
  private readonly initialWeights: tf.Tensor[];
  private readonly signals: TeacherSignalStore;
  private signalsReported = false;

  constructor(
    readonly prepared: PreparedRun,
    private readonly options: PipelineOptions,
  ) {
    // The baseline starts from the very weights the student starts from.
    this.initialWeights = prepared.student.model.getWeights().map((w) => w.clone());
    this.signals = new TeacherSignalStore(prepared, options.cache && { cache: options.cache, backend: options.backend.name });
  }

  /** The baseline model, once its stage has run (or been taken from the cache). */
  get baselineModel(): DistillModel | undefined {
    return this.baseline;
  }

  /** Runs every plan in order. */
  async runAll(hooks: RunnerHooks): Promise<void> {
    for (const plan of this.prepared.plans) await this.run(plan, hooks);
  }

  /** Runs one plan (through the cache when it is a teacher or the baseline and a cache is given). */
  async run(plan: StagePlan, hooks: RunnerHooks): Promise<void> {
    if (plan.kind === 'teacher') await this.runTeacher(plan, this.prepared.teacher((plan.model as { teacher: string }).teacher), hooks);
    else if (plan.kind === 'baseline') await this.runBaseline(plan, this.augmented(plan, hooks));
    else {
      const terms = this.prepared.termsOf(plan);
      this.options.log.info(`${plan.name} stage: ${terms.map((t) => t.name).join(' + ')} for ${plan.epochs} epochs`);
      this.record(await runStage(plan, this, this.augmented(plan, hooks)));
    }
    this.options.stageEnd?.();
  }

  /**
   * The student's stages and the baseline train on augmented batches when the manifest lists augmentations; a
   * `transformBatch` hook makes every frozen teacher run on the augmented batch at each step.
   */
  private augmented(plan: StagePlan, hooks: RunnerHooks): RunnerHooks {
    const { augmentations, layout, augmentationSeed } = this.prepared;
    if (augmentations.length === 0 || hooks.transformBatch) return hooks;
    this.options.log.info(`${plan.name} stage: augmenting every batch with ${augmentations.map((a) => a.name).join(' → ')} (seed ${augmentationSeed}); teachers run on the augmented batches`);
    // The baseline is augmented as the student's first stage was, batch for batch: the same stage name in the seed.
    const stage = plan.kind === 'baseline' ? 'student' : plan.name;
    return { ...hooks, transformBatch: batchAugmenter(augmentations, layout, augmentationSeed, stage) };
  }

  async model(plan: StagePlan): Promise<DistillModel> {
    if (plan.model !== 'student') return this.prepared.teacher(plan.model.teacher).model!;
    if (plan.kind !== 'baseline') return this.prepared.student;
    if (!this.baseline) {
      this.baseline = await this.prepared.components.model('student', this.prepared.dataset);
      this.baseline.model.setWeights([...this.initialWeights]);
    }
    return this.baseline;
  }

  async stageTeachers(plan: StagePlan, terms: readonly LossTerm[], online: boolean): Promise<StageTeacher[]> {
    if (plan.kind === 'teacher') return [];
    const teachers = await this.signals.stageTeachers(terms, online);
    await this.reportSignals();
    return teachers;
  }

  /** Frees what the pipeline made: the baseline model and the kept initial weights. */
  dispose(): void {
    tf.dispose(this.initialWeights);
    this.baseline?.model.dispose();
  }

  private async runTeacher(plan: StagePlan, teacher: PreparedTeacher, hooks: RunnerHooks): Promise<void> {
    const model = teacher.model!;
    const train = async () => {
      this.options.log.info(`${plan.name} stage: training ${teacher.reference.type} for ${plan.epochs} epochs`);
      return this.record(await this.teacherRandom(teacher, () => runStage(plan, this, hooks))).result;
    };
    if (this.options.cache) {
      const key = trainedTeacherKey(this.identity(), teacher);
      const cached = await obtainTrainedModel(this.options.cache, 'teachers', key, model, train);
      this.options.log.info(cached.built ? `teacher stored in the cache (${cached.dir})` : `teacher reused from the cache (${cached.dir}); no teacher stage`);
      await this.options.tags?.({ [`distill.${tagName(plan)}.cache`]: cached.built ? 'stored' : 'reused', [`distill.${tagName(plan)}.cacheKey`]: cached.key });
    } else {
      await train();
    }
    if (this.options.runDir) {
      const dir = join(this.options.runDir, plan.name === 'teacher' ? 'teacher' : join('teachers', teacher.name));
      this.artifacts.push(...(await saveModelFiles(model.model, dir)));
      this.options.log.info(`teacher saved to ${dir}`);
    }
    model.model.trainable = false;
  }

  private async runBaseline(plan: StagePlan, hooks: RunnerHooks): Promise<void> {
    const model = await this.model(plan);
    const steps = budgetSteps(plan, this.outcomes);
    this.options.log.info(`baseline stage: the same student on hard labels alone, ${steps} steps`);
    const train = async () => this.record(await runStage(plan, this, hooks)).result;
    if (!this.options.cache) return void (await train());
    const cached = await obtainTrainedModel(this.options.cache, 'baselines', baselineKey(this.identity(), steps), model, train);
    this.results[plan.name] = cached.result!;
    this.options.log.info(cached.built ? `baseline stored in the cache (${cached.dir})` : `baseline reused from the cache (${cached.dir}); no baseline stage`);
    await this.options.tags?.({ 'distill.baseline.cache': cached.built ? 'stored' : 'reused', 'distill.baseline.cacheKey': cached.key });
  }

  private record(outcome: StageOutcome): StageOutcome {
    this.outcomes.push(outcome);
    this.results[outcome.plan.name] = outcome.result;
    return outcome;
  }

  // With several teachers, each trains under its own seeded Math.random: a teacher's training (and so its cache
  // entry) does not depend on which teachers trained before it. One teacher draws from the run's, as it always has.
  private teacherRandom<T>(teacher: PreparedTeacher, body: () => Promise<T>): Promise<T> {
    if (this.prepared.teachers.length === 1) return body();
    return withSeededMathRandom(deriveSeed(teacher.seed, 'random'), body);
  }

  private identity(): CacheIdentity {
    return { experiment: this.prepared.experiment, dataset: this.prepared.dataset, host: this.prepared.host, backend: this.options.backend };
  }

  private async reportSignals(): Promise<void> {
    if (this.signalsReported) return;
    this.signalsReported = true;
    const fromCache = this.signals.fromCache;
    if (fromCache === undefined) return;
    this.options.log.info(fromCache ? "teacher's outputs reused from the cache; not computed again" : "teacher's outputs stored in the cache");
    await this.options.tags?.({ 'distill.teacherOutputs.cache': fromCache ? 'reused' : 'stored' });
  }
}

/** The tag name of a teacher stage: `teacher`, or `teacher.<name>` with several. */
function tagName(plan: StagePlan): string {
  return plan.name.replace('/', '.');
}
