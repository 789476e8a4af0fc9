// `distill plugins`: every registered plugin by kind, with its one-line description, params and source.
import { Option, type Command } from 'commander';
import { PLUGIN_KINDS, type PluginKind } from '../plugins/plugin-kind.js';
import type { PluginMetadata } from '../plugins/plugin-definition.js';
import type { JsonSchema } from '../plugins/json-schema.js';
import { addManifestOptions, pluginListingsFor, type ManifestOptions } from './manifest-options.js';

interface PluginsOptions extends ManifestOptions {
  readonly kind?: PluginKind;
  readonly manifest?: string;
  readonly json?: boolean;
}

export function register(command: Command): void {
  command
    .addOption(new Option('--kind <kind>', 'only plugins of this kind').choices(PLUGIN_KINDS))
    .option('--manifest <file>', 'also list the custom plugins this manifest loads')
    .option('--json', 'print JSON (kind, name, description, source, version, paramsSchema)');
  addManifestOptions(command)
    .addHelpText('after', '\nExamples:\n  distill plugins\n  distill plugins --kind loss\n  distill plugins --manifest experiments/custom.json --json')
    .action(async (options: PluginsOptions) => {
      const listings = await pluginListingsFor(options);
      const plugins = (options.kind ? [options.kind] : PLUGIN_KINDS).flatMap((kind) => listings[kind].list() as PluginMetadata[]);
      process.stdout.write(options.json ? `${JSON.stringify(plugins.map(pluginJson), null, 2)}\n` : describePlugins(plugins));
    });
}

function pluginJson({ kind, name, description, source, version, paramsSchema }: PluginMetadata) {
  return { kind, name, description, source: source ?? null, version: version ?? null, paramsSchema };
}

/** Text listing: a heading per kind, a line per plugin, an indented line per param. */
export function describePlugins(plugins: readonly PluginMetadata[]): string {
  const lines: string[] = [];
  for (const kind of PLUGIN_KINDS) {
    const ofKind = plugins.filter((plugin) => plugin.kind === kind);
    if (ofKind.length === 0) continue;
    lines.push(`${kind}:`);
    for (const plugin of ofKind) {
      lines.push(`  ${plugin.name} - ${plugin.description}${plugin.source ? ` [${plugin.source}]` : ''}`);
      lines.push(...describeParams(plugin.paramsSchema).map((line) => `      ${line}`));
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : 'no plugins registered\n';
}

function describeParams(schema: JsonSchema): string[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const details = [
      typeText(property),
      required.has(name) ? 'required' : undefined,
      property.default !== undefined ? `default ${JSON.stringify(property.default)}` : undefined,
    ].filter(Boolean);
    return `${name} (${details.join(', ')})${property.description ? `: ${property.description}` : ''}`;
  });
}

/** A short reading of a param's schema: `number > 0`, `"linear" | "none"`, `number | {schedule, from, to, epochs}`. */
export function typeText(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) return alternatives.map(typeText).join(' | ');
  if (schema.$ref) return schema.$ref.slice(schema.$ref.lastIndexOf('/') + 1);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) return 'any';
  return types.map((type) => typeWithBounds(type, schema)).join(' | ');
}

function typeWithBounds(type: string, schema: JsonSchema): string {
  if (type === 'array' && schema.items && !Array.isArray(schema.items)) return `${typeText(schema.items)}[]`;
  if (type === 'object' && schema.properties) return `{${Object.keys(schema.properties).join(', ')}}`;
  if (type !== 'number' && type !== 'integer') return type;
  const bounds = [
    schema.exclusiveMinimum !== undefined ? `> ${schema.exclusiveMinimum}` : undefined,
    schema.minimum !== undefined ? `>= ${schema.minimum}` : undefined,
    schema.exclusiveMaximum !== undefined ? `< ${schema.exclusiveMaximum}` : undefined,
    schema.maximum !== undefined ? `<= ${schema.maximum}` : undefined,
  ].filter(Boolean);
  return [type, ...bounds].join(' ');
}
