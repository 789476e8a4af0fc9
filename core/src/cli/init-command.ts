// `distill init project`, `distill init plugin` and `distill init experiment`: start a project of one's own, a plugin
// (typed, with a passing test) or a manifest (with `$schema` set for editor completion). Inside a project, plugins
// and manifests go to its plugins/ and experiments/ by default.
import { join, relative } from 'node:path';
import { Option, type Command } from 'commander';
import { PLUGIN_KINDS, type PluginKind } from '../plugins/plugin-kind.js';
import { displayPath } from '../display-path.js';
import { scaffoldPlugin } from '../scaffold/scaffold-plugin.js';
import { scaffoldExperiment } from '../scaffold/scaffold-experiment.js';
import { scaffoldProject } from '../scaffold/scaffold-project.js';
import { PROJECT_LAYOUT, scaffoldPlaces } from '../scaffold/project-layout.js';
import { relativeSpecifier } from '../scaffold/relative-specifier.js';

interface InitPluginOptions {
  readonly kind: PluginKind;
  readonly name: string;
  readonly dir?: string;
  readonly force?: boolean;
}

interface InitExperimentOptions {
  readonly from: string;
  readonly out?: string;
  readonly force?: boolean;
}

export function register(command: Command): void {
  command
    .command('project')
    .description('write a project of your own that uses distill: package.json, tsconfig.json, an example manifest and plugin with its test')
    .argument('<dir>', 'the project folder (created if missing)')
    .option('--force', 'overwrite files that exist')
    .addHelpText('after', '\nExample:\n  npx @distill/cli init project my-kd && cd my-kd && npm install && npm test && npm run run')
    .action((dir: string, options: { force?: boolean }) => {
      const made = scaffoldProject({ dir, overwrite: options.force });
      const cd = relative(process.cwd(), made.root);
      process.stdout.write(
        [
          ...made.files.map((file) => `wrote ${displayPath(file)}`),
          '',
          'next steps:',
          ...(cd ? [`  cd ${cd}`] : []),
          '  npm install',
          '  npm test            # the example plugin\'s tests',
          `  npm run run         # the example experiment, ${PROJECT_LAYOUT.manifest}`,
          '',
        ].join('\n'),
      );
    });
  command
    .command('plugin')
    .description('write <dir>/<name>.ts, a typed plugin made with definePlugin, and <dir>/<name>.test.ts, a vitest test of it')
    .addOption(new Option('--kind <kind>', 'the kind of plugin').choices(PLUGIN_KINDS).makeOptionMandatory())
    .requiredOption('--name <name>', 'the name manifests use in "type": lower-case words joined by dashes')
    .option('--dir <dir>', "directory for the two files (created if missing); default: the project's plugins/, else ./plugins")
    .option('--force', 'overwrite files that exist')
    .addHelpText('after', '\nExamples:\n  distill init plugin --kind loss --name cosine-hint\n  distill init plugin --kind dataset --name my-records --dir experiments/plugins')
    .action((options: InitPluginOptions) => {
      const places = scaffoldPlaces();
      const made = scaffoldPlugin({ kind: options.kind, name: options.name, dir: options.dir ?? places.pluginsDir, overwrite: options.force });
      const fromHere = relative(process.cwd(), places.experimentsDir).split('\\').join('/');
      const manifestDir = fromHere === '' ? 'this directory' : `${fromHere}/`;
      process.stdout.write(
        [
          `wrote ${displayPath(made.pluginFile)}`,
          `wrote ${displayPath(made.testFile)}`,
          '',
          'next steps:',
          `  1. test it:     npx vitest run ${displayPath(made.testFile)}`,
          '  2. use it:      list the file in a manifest\'s "plugins" (a path relative to the manifest) and name it, e.g.',
          `                  "plugins": ["${relativeSpecifier(places.experimentsDir, made.pluginFile)}"]   (for a manifest in ${manifestDir})`,
          `                  ${made.usage}`,
          places.root
            ? `  3. completion:  npm run schema   (${PROJECT_LAYOUT.schema} with the plugins ${PROJECT_LAYOUT.manifest} lists)`
            : '  3. completion:  distill schema --manifest <manifest> --out <schema file>, and point the manifest\'s "$schema" at it',
          '',
        ].join('\n'),
      );
    });
  command
    .command('experiment')
    .description('write a manifest to start from, with "$schema" set for editor completion')
    .option('--from <example|file>', 'an example manifest (distill init experiment --from x lists them) or a manifest file to copy', 'quickstart')
    .option('--out <file>', "the manifest to write, named after it (or after its folder, for manifest.json); default: the project's experiments/experiment.json, else ./experiment.json")
    .option('--force', 'overwrite the file if it exists')
    .addHelpText('after', '\nExamples:\n  distill init experiment\n  distill init experiment --from mnist-features --out experiments/my-features.json')
    .action((options: InitExperimentOptions) => {
      const places = scaffoldPlaces();
      const out = options.out ?? join(places.experimentsDir, 'experiment.json');
      const written = scaffoldExperiment({ from: options.from, out, schema: places.schema, overwrite: options.force });
      const shown = displayPath(written);
      process.stdout.write(`wrote ${shown}\nnext: distill validate ${shown}, then distill run ${shown}\n`);
    });
}
