// `distill predict <manifest> --teacher NAME --out FILE.npy`: one teacher's logits (or, for a source that gives only
// those, probabilities) on every sample of the training, validation and test splits, written as a predictions file
// (`FILE.npy` + `FILE.json`, docs/teachers.md) that the `teacher-predictions` teacher reads back. The teacher must be
// able to predict as it is: a model with trained weights (`tfjs-model`) or a teacher source; a teacher the run would
// train first is refused, pointing at the model a run saves.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { openManifest } from '../manifest/open-manifest.js';
import { stderrWarnings } from '../plugins/run-services.js';
import { addManifestOptions, type ManifestOptions } from './manifest-options.js';
import { initBackend } from '../backend/select-backend.js';
import { UserError } from '../errors.js';
import { suggestion } from '../plugins/did-you-mean.js';
import { displayPath } from '../display-path.js';
import type { SampleSource } from '../plugins/dataset-plugin.js';
import { PREDICTIONS_FORMAT, writeTeacherPredictions, type PredictionsSplit, type PredictionSplit } from '../io/teacher-predictions-file.js';

interface PredictOptions extends ManifestOptions {
  readonly teacher?: string;
  readonly out: string;
}

export function register(command: Command): void {
  command
    .argument('<manifest>', 'experiment manifest (.json)')
    .option('--teacher <name>', "the teacher (a key of the manifest's teachers); default: the only teacher")
    .requiredOption('--out <file.npy>', 'where to write the predictions (.npy; its header is written beside it as .json)');
  addManifestOptions(command)
    .addHelpText('after', '\nExamples:\n  distill predict experiments/offline-teacher.json --teacher source --out teacher.npy')
    .action(async (file: string, options: PredictOptions) => {
      const { host, manifest } = await openManifest(file, { overrides: options.set ?? [], cliPlugins: options.plugin ?? [] });
      if (!/\.npy$/i.test(options.out)) throw new UserError(`--out ${options.out}: the predictions file must end in .npy (its header is written beside it as .json)`);
      await initBackend(manifest.experiment.backend);
      const [{ prepareRun }, { computeTeacherOutputs, modelPredictor, sourcePredictor }, { tapModel }] = await Promise.all([
        import('../run/pipeline/prepare-run.js'),
        import('../training/teacher-outputs.js'),
        import('../training/tapped-model.js'),
      ]);
      const prepared = await prepareRun(manifest, host, { warnings: stderrWarnings });
      try {
        const names = prepared.teachers.map((t) => t.name);
        const name = options.teacher ?? (names.length === 1 ? names[0] : undefined);
        if (name === undefined) throw new UserError(`--teacher: the manifest has ${names.length} teachers; name one: ${names.join(', ')}`);
        const teacher = prepared.teachers.find((t) => t.name === name);
        if (!teacher) throw new UserError(`--teacher ${name}: the manifest has no such teacher; ${suggestion(name, names)}`);
        if (teacher.model && !teacher.model.pretrained) {
          throw new UserError(
            `teacher "${name}" (${teacher.reference.type}) has no trained weights, so it has nothing to predict with\n  hint: train it with distill run first, then point a "tfjs-model" teacher at the run's ${names.length > 1 ? `teachers/${name}` : 'teacher'}/model.json`,
          );
        }
        const splits: [PredictionSplit, SampleSource | undefined][] = [['train', prepared.splits.train], ['validation', prepared.splits.validation], ['test', prepared.splits.test]];
        const tapped = teacher.model ? tapModel(teacher.model, [], teacher.label) : undefined;
        const entries: PredictionsSplit[] = [];
        const parts: Float32Array[] = [];
        for (const [split, source] of splits) {
          if (!source) continue;
          const predictor = tapped ? modelPredictor(tapped) : sourcePredictor(teacher.source!, [], split);
          const outputs = await computeTeacherOutputs(predictor, source, prepared.layout, [], `${teacher.label}'s predictions on the ${split} split`);
          const rows = outputs.logits ?? outputs.probabilities;
          if (!rows) throw new Error(`teacher "${name}" gave neither logits nor probabilities on the ${split} split`);
          parts.push(rows.data);
          entries.push({ name: split, count: source.count, ids: Array.from(await idsOf(source)) });
        }
        const values = teacher.source?.outputs ?? 'logits';
        const described = teacher.source ? teacher.source.describe() : modelPath(teacher.reference.params);
        const out = resolve(options.out);
        const written = await writeTeacherPredictions(out, {
          format: PREDICTIONS_FORMAT,
          version: 1,
          values,
          classes: prepared.dataset.numClasses,
          dataset: { type: manifest.experiment.dataset.type, fingerprint: prepared.dataset.fingerprint },
          splits: entries,
          teacher: { name, type: teacher.reference.type, ...described },
        }, concat(parts));
        const counts = entries.map((e) => `${e.count} ${e.name}`).join(', ');
        process.stdout.write(`wrote ${written.map((path) => displayPath(path)).join(' and ')}: ${values} of teacher "${name}" for ${counts} samples, ${prepared.dataset.numClasses} classes\n`);
      } finally {
        prepared.dispose();
      }
    });
}

/** The sample ids of a split in its order, read a chunk at a time. */
async function idsOf(source: SampleSource): Promise<Int32Array> {
  const ids = new Int32Array(source.count);
  for (let start = 0; start < source.count; start += 4096) {
    const positions = Int32Array.from({ length: Math.min(4096, source.count - start) }, (_, i) => start + i);
    ids.set((await source.read(positions)).ids, start);
  }
  return ids;
}

function modelPath(params: Record<string, unknown> | undefined): Record<string, string> {
  return typeof params?.path === 'string' ? { path: params.path } : {};
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
