// `distill init plugin` and `distill init experiment`: start a plugin (typed, with a passing test) or a manifest
// (with `$schema` set for editor completion).
import { relative } from 'node:path';
import { Option, type Command } from 'commander';
import { PLUGIN_KINDS, type PluginKind } from '../plugins/plugin-kind.js';
import { displayPath } from '../display-path.js';
import { scaffoldPlugin } from '../scaffold/scaffold-plugin.js';
import { scaffoldExperiment } from '../scaffold/scaffold-experiment.js';

interface InitPluginOptions {
  readonly kind: PluginKind;
  readonly name: string;
  readonly dir: string;
  readonly force?: boolean;
}

interface InitExperimentOptions {
  readonly from: string;
  readonly out: string;
  readonly force?: boolean;
}

export function register(command: Command): void {
  command
    .command('plugin')
    .description('write <dir>/<name>.ts, a typed plugin made with definePlugin, and <dir>/<name>.test.ts, a vitest test of it')
    .addOption(new Option('--kind <kind>', 'the kind of plugin').choices(PLUGIN_KINDS).makeOptionMandatory())
    .requiredOption('--name <name>', 'the name manifests use in "type": lower-case words joined by dashes')
    .option('--dir <dir>', 'directory for the two files (created if missing)', 'plugins')
    .option('--force', 'overwrite files that exist')
    .addHelpText('after', '\nExamples:\n  distill init plugin --kind loss --name cosine-hint\n  distill init plugin --kind dataset --name my-records --dir experiments/plugins')
    .action((options: InitPluginOptions) => {
      const made = scaffoldPlugin({ kind: options.kind, name: options.name, dir: options.dir, overwrite: options.force });
      const fromHere = `./${relative(process.cwd(), made.pluginFile).split('\\').join('/')}`;
      process.stdout.write(
        [
          `wrote ${displayPath(made.pluginFile)}`,
          `wrote ${displayPath(made.testFile)}`,
          '',
          'next steps:',
          `  1. test it:     npx vitest run ${displayPath(made.testFile)}`,
          '  2. use it:      list the file in a manifest\'s "plugins" (a path relative to the manifest) and name it, e.g.',
          `                  "plugins": ["${fromHere}"]   (for a manifest in this directory)`,
          `                  ${made.usage}`,
          '  3. completion:  distill schema --manifest <manifest> --out <schema file>, and point the manifest\'s "$schema" at it',
          '',
        ].join('\n'),
      );
    });
  command
    .command('experiment')
    .description('write a manifest to start from, with "$schema" set for editor completion')
    .option('--from <example|file>', 'an example manifest (experiments/<name>.json) or a manifest file to copy', 'quickstart')
    .option('--out <file>', 'the manifest to write; the experiment is named after it (or after its folder, for manifest.json)', 'experiment.json')
    .option('--force', 'overwrite the file if it exists')
    .addHelpText('after', '\nExamples:\n  distill init experiment\n  distill init experiment --from mnist-features --out experiments/my-features.json')
    .action((options: InitExperimentOptions) => {
      const out = scaffoldExperiment({ from: options.from, out: options.out, overwrite: options.force });
      process.stdout.write(`wrote ${displayPath(out)}\nnext: distill validate ${displayPath(out)}, then distill run ${displayPath(out)}\n`);
    });
}
