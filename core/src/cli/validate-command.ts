// `distill validate <manifest>`: every structural, plugin and semantic issue at once, or `ok` and a one-line summary.
// It builds what `run` builds before training (the dataset and both models), so `ok` means the run will start.
import type { Command } from 'commander';
import { openManifest } from '../manifest/open-manifest.js';
import { checkBuilds } from '../manifest/check-builds.js';
import { checkSemantics } from '../manifest/check-semantics.js';
import { datasetWarnings } from '../manifest/dataset-warnings.js';
import { createSemanticContext } from '../manifest/semantic-context.js';
import type { ResolvedExperiment } from '../manifest/resolved-experiment.js';
import { addManifestOptions, type ManifestOptions } from './manifest-options.js';

export function register(command: Command): void {
  command
    .argument('<manifest>', 'experiment manifest (.json)')
    .option('--print', 'print the resolved manifest, defaults filled in, instead of the summary');
  addManifestOptions(command)
    .addHelpText('after', '\nExamples:\n  distill validate experiments/quickstart.json\n  distill validate experiments/quickstart.json --set losses.0.params.temperature=8 --print')
    .action(async (file: string, options: ManifestOptions & { print?: boolean }) => {
      const { host, manifest } = await openManifest(file, { overrides: options.set ?? [], cliPlugins: options.plugin ?? [] });
      const context = createSemanticContext(manifest, host);
      try {
        await checkBuilds(manifest, context);
        await checkSemantics(manifest, host, context);
        for (const warning of datasetWarnings(manifest.experiment, await context.dataset())) process.stderr.write(`warning: ${warning}\n`);
      } finally {
        context.dispose();
      }
      process.stdout.write(options.print ? `${JSON.stringify(manifest.experiment, null, 2)}\n` : `${summarize(manifest.experiment)}\n`);
    });
}

/** `ok: quickstart: mnist teacher mlp -> student mlp, losses kl-divergence+cross-entropy, 6 epochs` */
export function summarize(experiment: ResolvedExperiment): string {
  const { name, dataset, teacher, student, losses, training } = experiment;
  const epochs = `${training.epochs} epoch${training.epochs === 1 ? '' : 's'}`;
  return `ok: ${name}: ${dataset.type} teacher ${teacher.type} -> student ${student.type}, losses ${losses.map((loss) => loss.type).join('+')}, ${epochs}`;
}
