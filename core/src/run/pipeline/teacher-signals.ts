// The frozen teachers' outputs on the data, each computed once per run (and, with the training cache, once per
// teacher and data on the machine): on the training split with the layers the run's losses tap, when a loss uses the
// teacher, and on the validation split for the agreement metric. Model teachers and teacher sources alike.
import type { StageTeacher } from '../../training/train-stage.js';
import type { LossTerm } from '../../training/loss-term.js';
import { tapModel } from '../../training/tapped-model.js';
import { computeTeacherOutputs, modelPredictor, sourcePredictor, type TeacherOutputs, type TeacherPredictor } from '../../training/teacher-outputs.js';
import type { SampleSource } from '../../plugins/dataset-plugin.js';
import type { TeacherSplit } from '../../plugins/teacher-source.js';
import type { TrainingCache } from '../cache/training-cache.js';
import { obtainTeacherOutputs } from '../cache/cached-teacher-outputs.js';
import { sourceIdentity, teacherIdentity } from '../cache/cache-keys.js';
import type { PreparedRun, PreparedTeacher } from './prepare-run.js';

export interface TeacherSignals {
  readonly train?: TeacherOutputs;
  readonly validation?: TeacherOutputs;
}

/** Where a run keeps the teachers' outputs across runs (`--cache`, sweeps), and the backend computing them. */
export interface TeacherOutputsCache {
  readonly cache: TrainingCache;
  readonly backend: string;
}

/** The run's teachers' signals, computed on first use; `fromCache` says whether every one was found in the cache. */
export class TeacherSignalStore {
  private computed?: Promise<Map<string, TeacherSignals>>;
  private found: boolean[] = [];

  constructor(
    private readonly prepared: PreparedRun,
    private readonly outputsCache?: TeacherOutputsCache,
  ) {}

  /** Whether the signals came from the cache (undefined: no cache, or nothing was needed). */
  get fromCache(): boolean | undefined {
    return this.outputsCache && this.found.length > 0 ? this.found.every(Boolean) : undefined;
  }

  /** Every teacher's signals; the first call computes them (in the teachers' order: training split, then validation). */
  all(): Promise<Map<string, TeacherSignals>> {
    return (this.computed ??= this.compute());
  }

  /** The teachers a stage's terms use, and every teacher for the agreement it reports. */
  async stageTeachers(terms: readonly LossTerm[], online: boolean): Promise<StageTeacher[]> {
    const signals = await this.all();
    const several = this.prepared.teachers.length > 1;
    return this.prepared.teachers.map((teacher) => {
      const using = terms.filter((term) => term.teachers.includes(teacher.name));
      const layers = unique(using.flatMap((term) => term.loss.requires.teacherLayers ?? []));
      const own = signals.get(teacher.name) ?? {};
      return {
        name: teacher.name,
        layers,
        ...(using.length > 0 && own.train ? { train: own.train } : {}),
        ...(own.validation ? { validation: own.validation } : {}),
        agreementKey: several ? `agreement/${teacher.name}` : 'agreement',
        ...(online && using.length > 0 ? { predict: this.predictor(teacher, layers, 'train') } : {}),
      };
    });
  }

  private async compute(): Promise<Map<string, TeacherSignals>> {
    const signals = new Map<string, TeacherSignals>();
    const terms = [...this.prepared.terms.values()];
    for (const teacher of this.prepared.teachers) {
      if (teacher.model) teacher.model.model.trainable = false;
      const using = terms.filter((term) => term.teachers.includes(teacher.name));
      const layers = unique(using.flatMap((term) => term.loss.requires.teacherLayers ?? []));
      const identity = this.outputsCache && (teacher.model ? teacherIdentity(teacher.model) : sourceIdentity(teacher.reference.type, teacher.source!));
      const outputs = (split: 'train' | 'validation', source: SampleSource, tapped: readonly string[]) =>
        this.outputs(teacher, split, source, tapped, identity);
      const { train, validation } = this.prepared.splits;
      signals.set(teacher.name, {
        ...(using.length > 0 ? { train: await outputs('train', train, layers) } : {}),
        ...(validation ? { validation: await outputs('validation', validation, []) } : {}),
      });
    }
    return signals;
  }

  private async outputs(teacher: PreparedTeacher, split: 'train' | 'validation', source: SampleSource, layers: readonly string[], identity: string | undefined): Promise<TeacherOutputs> {
    const where = `${teacher.label}'s outputs on the ${split === 'train' ? 'training' : 'validation'} split`;
    const compute = () => computeTeacherOutputs(this.predictor(teacher, layers, split), source, this.prepared.layout, layers, where);
    if (!this.outputsCache || identity === undefined) return compute();
    const { cache, backend } = this.outputsCache;
    const result = await obtainTeacherOutputs({ cache, teacher: identity, dataset: this.prepared.dataset, split, layers, backend }, compute);
    this.found.push(!result.built);
    return result.outputs;
  }

  /** How the teacher predicts a batch: its model tapped at `layers` in inference mode, or its source. */
  predictor(teacher: PreparedTeacher, layers: readonly string[], split: TeacherSplit): TeacherPredictor {
    if (teacher.source) return sourcePredictor(teacher.source, layers, split);
    const tapped = tapModel(teacher.model!, layers, teacher.label);
    return modelPredictor(tapped);
  }
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}
