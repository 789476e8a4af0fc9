// `distill validate <manifest>`: every structural, plugin and semantic issue at once, or `ok` and a one-line summary.
import type { Command } from 'commander';
import { openManifest } from '../manifest/open-manifest.js';
import { checkSemantics } from '../manifest/check-semantics.js';
import { createSemanticContext } from '../manifest/semantic-context.js';
import type { ResolvedExperiment } from '../manifest/resolved-experiment.js';
import { addManifestOptions, type ManifestOptions } from './manifest-options.js';
import { initBackend } from '../backend/select-backend.js';
import { checkModelKernels } from '../run/check-model-kernels.js';

export function registerValidateCommand(program: Command): void {
  const command = program
    .command('validate')
    .description('check a manifest: its structure, plugin types and params, the plugins\' own checks, and that its backend can train its models')
    .argument('<manifest>', 'experiment manifest (.json)')
    .option('--print', 'print the resolved manifest, defaults filled in, instead of the summary');
  addManifestOptions(command)
    .addHelpText('after', '\nExamples:\n  distill validate experiments/quickstart.json\n  distill validate experiments/quickstart.json --set losses.0.params.temperature=8 --print')
    .action(async (file: string, options: ManifestOptions & { print?: boolean }) => {
      const { host, manifest } = await openManifest(file, { overrides: options.set ?? [], cliPlugins: options.plugin ?? [] });
      // The models are built and dry-run on the backend a run would use: what it lacks is refused here.
      await initBackend(manifest.experiment.backend);
      const context = createSemanticContext(manifest, host);
      try {
        await checkSemantics(manifest, host, context);
        checkModelKernels(manifest, { teacher: await context.teacher(), student: await context.student() });
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
