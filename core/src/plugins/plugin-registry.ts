// One registry per plugin kind: name → definition, filled from the container's contributions.
import { Container } from 'inversify';
import type { PluginKind } from './plugin-kind.js';
import { PLUGIN_KINDS } from './plugin-kind.js';
import type { PluginDefinition } from './plugin-definition.js';
import { isClassPlugin } from './plugin-definition.js';
import type { PluginInstanceOf } from './plugin-instances.js';
import { PLUGIN_TOKENS } from './plugin-tokens.js';
import { BuildContext, PluginParams } from './build-context.js';
import { IncompatiblePluginError, MalformedPluginError, PluginConflictError, UnknownPluginError } from './plugin-errors.js';
import { compatibleRange, runningCoreSatisfies, upgradeAdvice } from './core-compatibility.js';
import { distillVersion } from '../version.js';

export { IncompatiblePluginError, MalformedPluginError, PluginConflictError, UnknownPluginError } from './plugin-errors.js';
import { Environment, redactionSecrets, RunIdentity, SecretSink, stderrWarnings, WarnSink, type RunServices } from './run-services.js';
import { describeDefinition, pluginDefinitionProblems } from './plugin-shape.js';

const PluginInstance = Symbol.for('distill.PluginInstance');

export class PluginRegistry<K extends PluginKind = PluginKind> {
  private readonly plugins = new Map<string, PluginDefinition<K>>();

  /** `container` is the host's: instances are built in a child of it, so plugins can inject what it binds. */
  constructor(
    readonly kind: K,
    private readonly container: Container = new Container(),
  ) {}

  add(plugin: PluginDefinition<K>): void {
    const existing = this.plugins.get(plugin.name);
    if (existing && existing !== plugin) {
      throw new PluginConflictError(this.kind, plugin.name, existing.source ?? 'an unnamed source', plugin.source ?? 'an unnamed source');
    }
    this.plugins.set(plugin.name, plugin);
  }

  has(name: string): boolean {
    return this.plugins.has(name);
  }

  names(): string[] {
    return [...this.plugins.keys()].sort();
  }

  list(): PluginDefinition<K>[] {
    return this.names().map((name) => this.plugins.get(name)!);
  }

  get(name: string): PluginDefinition<K> {
    const plugin = this.plugins.get(name);
    if (!plugin) throw new UnknownPluginError(this.kind, name, this.names());
    return plugin;
  }

  /**
   * Builds an instance in a child container that holds the validated params, the build context and the run's
   * services (environment, warnings, secrets, run identity) as constants, so a plugin never reads globals.
   */
  async build(name: string, params: unknown, context: BuildContext, services: RunServices = {}): Promise<PluginInstanceOf<K>> {
    const plugin = this.get(name);
    const child = new Container({ parent: this.container });
    child.bind(PluginParams).toConstantValue(params);
    child.bind(BuildContext).toConstantValue(context);
    child.bind(Environment).toConstantValue(services.environment ?? { ...process.env });
    child.bind(WarnSink).toConstantValue(services.warnings ?? stderrWarnings);
    child.bind(SecretSink).toConstantValue(services.secrets ?? redactionSecrets);
    if (services.run) child.bind(RunIdentity).toConstantValue(services.run);
    if (isClassPlugin(plugin)) {
      child.bind(PluginInstance).to(plugin.implementation);
    } else {
      child
        .bind(PluginInstance)
        .toResolvedValue(
          (p: unknown, c: BuildContext, environment: Environment, warnings: WarnSink, secrets: SecretSink) =>
            plugin.create(p, c, { environment, warnings, secrets, ...(services.run ? { run: services.run } : {}) }),
          [PluginParams, BuildContext, Environment, WarnSink, SecretSink],
        );
    }
    return child.getAsync<PluginInstanceOf<K>>(PluginInstance);
  }
}

export type PluginRegistries = { readonly [K in PluginKind]: PluginRegistry<K> };

/** Reads every contributed plugin definition out of the container, one registry per kind. */
export function collectRegistries(container: Container): PluginRegistries {
  const registries = Object.fromEntries(PLUGIN_KINDS.map((kind) => [kind, new PluginRegistry(kind, container)])) as unknown as {
    [K in PluginKind]: PluginRegistry<K>;
  };
  for (const kind of PLUGIN_KINDS) {
    const token = PLUGIN_TOKENS[kind];
    const definitions = container.isBound(token) ? container.getAll<PluginDefinition>(token) : [];
    for (const definition of definitions) {
      const source = definition.source ?? 'an unnamed source';
      const problems = pluginDefinitionProblems(definition as unknown as Record<string, unknown>);
      if (problems.length > 0) {
        const described = describeDefinition(definition as unknown as Record<string, unknown>);
        throw new MalformedPluginError(`${described} from ${source} is not a complete plugin definition: missing ${problems.join(', ')}`);
      }
      if (definition.kind !== kind) {
        throw new MalformedPluginError(`plugin "${definition.name}" from ${source} declares kind "${definition.kind}" but was contributed as a ${kind}`);
      }
      const range = definition.coreVersion ? compatibleRange(definition.coreVersion) : undefined;
      if (range && !runningCoreSatisfies(range)) {
        throw new IncompatiblePluginError(
          `${kind} plugin "${definition.name}" from ${source} was defined with @distill/core ${definition.coreVersion}, but this is distill ${distillVersion()}: ${upgradeAdvice(range)}`,
        );
      }
      (registries[kind] as PluginRegistry).add(definition);
    }
  }
  return registries;
}
