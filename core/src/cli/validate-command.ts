// `distill validate <manifest>`: every structural, plugin and semantic issue at once, or `ok` and a one-line summary.
// It prepares the run exactly as `distill run` does (dataset, models, losses, every check) and trains nothing, so `ok`
// means the run will start; settings that are valid but probably not meant are printed as warnings.
import type { Command } from 'commander';
import { openManifest } from '../manifest/open-manifest.js';
import { stderrWarnings } from '../plugins/run-services.js';
import type { ResolvedExperiment } from '../manifest/resolved-experiment.js';
import { teacherEntries } from '../manifest/teacher-entries.js';
import { overridesOf, addManifestOptions, addThreadsOption, type ManifestOptions } from './manifest-options.js';
import { initBackend } from '../backend/select-backend.js';

export function register(command: Command): void {
  command
    .argument('<manifest>', 'experiment manifest (.json)')
    .option('--print', 'print the resolved manifest, defaults filled in, instead of the summary');
  addThreadsOption(addManifestOptions(command))
    .addHelpText('after', '\nExamples:\n  distill validate experiments/quickstart.json\n  distill validate experiments/quickstart.json --set losses.0.params.temperature=8 --print')
    .action(async (file: string, options: ManifestOptions & { print?: boolean }) => {
      const { host, manifest } = await openManifest(file, { overrides: overridesOf(options), cliPlugins: options.plugin ?? [] });
      // The models are built and dry-run on the backend a run would use: what it lacks is refused here.
      await initBackend(manifest.experiment.backend, { threads: manifest.experiment.threads });
      const { prepareRun } = await import('../run/pipeline/prepare-run.js');
      const prepared = await prepareRun(manifest, host, { warnings: stderrWarnings });
      prepared.dispose();
      process.stdout.write(options.print ? `${JSON.stringify(manifest.experiment, null, 2)}\n` : `${summarize(manifest.experiment)}\n`);
    });
}

/** `ok: quickstart: mnist teacher mlp -> student mlp, losses kl-divergence+cross-entropy, 6 epochs` */
export function summarize(experiment: ResolvedExperiment): string {
  const { name, dataset, student, losses, training, stages } = experiment;
  const entries = teacherEntries(experiment);
  const teachers = entries.length === 1 ? `teacher ${entries[0].reference.type}` : `teachers ${entries.map((e) => `${e.name}:${e.reference.type}`).join(', ')}`;
  const epochs = (n: number) => `${n} epoch${n === 1 ? '' : 's'}`;
  const plan = stages ? `stages ${stages.map((s) => s.name).join(' → ')}` : epochs(training.epochs);
  const objective = losses ? `losses ${losses.map((loss) => loss.type).join('+')}, ` : '';
  return `ok: ${name}: ${dataset.type} ${teachers} -> student ${student.type}, ${objective}${plan}`;
}
