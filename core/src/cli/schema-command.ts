// `distill schema`: the manifest schema with every registered plugin's params (what editors read), or one plugin's.
import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { UserError } from '../errors.js';
import { PLUGIN_KINDS, type PluginKind } from '../plugins/plugin-kind.js';
import type { PluginMetadata } from '../plugins/plugin-definition.js';
import type { PluginListings } from '../plugins/plugin-catalog.js';
import { composeEditorSchema } from '../manifest/compose-schema.js';
import { unknownPluginMessage } from '../manifest/validate-references.js';
import { addManifestOptions, pluginListingsFor, type ManifestOptions } from './manifest-options.js';

interface SchemaOptions extends ManifestOptions {
  readonly out?: string;
  readonly kind?: PluginKind;
  readonly type?: string;
  readonly manifest?: string;
}

export function register(command: Command): void {
  command
    .option('--out <file>', 'write the schema to a file instead of printing it')
    .addOption(new Option('--kind <kind>', 'with --type: the kind of plugin').choices(PLUGIN_KINDS))
    .option('--type <name>', 'print only this plugin\'s params schema')
    .option('--manifest <file>', 'also include the custom plugins this manifest lists');
  addManifestOptions(command)
    .addHelpText('after', '\nExamples:\n  distill schema --out schemas/distill.schema.json\n  distill schema --kind loss --type kl-divergence')
    .action(async (options: SchemaOptions) => {
      const listings = await pluginListingsFor(options);
      const schema = options.type ? findPlugin(listings, options.type, options.kind).paramsSchema : composeEditorSchema(listings);
      const text = `${JSON.stringify(schema, null, 2)}\n`;
      if (options.out) {
        await writeFile(options.out, text);
        process.stdout.write(`wrote ${options.out}\n`);
      } else {
        process.stdout.write(text);
      }
    });
}

function findPlugin(listings: PluginListings, type: string, kind: PluginKind | undefined): PluginMetadata {
  const kinds = kind ? [kind] : PLUGIN_KINDS.filter((candidate) => listings[candidate].has(type));
  if (kinds.length > 1) throw new UserError(`"${type}" names plugins of several kinds (${kinds.join(', ')}); choose one with --kind`);
  if (kinds.length === 0) {
    const names = PLUGIN_KINDS.flatMap((candidate) => listings[candidate].names());
    throw new UserError(unknownPluginMessage(kind ?? 'plugin', type, names));
  }
  const registry = listings[kinds[0]];
  if (!registry.has(type)) throw new UserError(unknownPluginMessage(kinds[0], type, registry.names()));
  return registry.get(type);
}
