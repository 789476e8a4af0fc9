// What a plugin is: a kind, a name, a params schema, and how to build an instance from validated params.
import type { Newable } from 'inversify';
import type { JsonSchema } from './json-schema.js';
import type { PluginKind } from './plugin-kind.js';
import type { PluginInstanceOf } from './plugin-instances.js';
import type { BuildContext } from './build-context.js';
import type { SemanticCheck } from './semantic-check.js';
import type { ResolvedRunServices } from './run-services.js';
import type { TrackerAddressing } from './tracker-plugin.js';

export interface PluginMetadata<K extends PluginKind = PluginKind> {
  readonly kind: K;
  /** The name manifests use in `type`. Lower-case words joined by dashes. */
  readonly name: string;
  /** One line, shown by `distill plugins` and in editor tooltips. */
  readonly description: string;
  /** JSON Schema for `params`; unknown keys are errors, so close it with `additionalProperties: false`. */
  readonly paramsSchema: JsonSchema;
  /** Where the plugin comes from (`@distill/plugins@0.1.0`, `./plugins/cosine.ts`); filled in when loaded. */
  source?: string;
  /** Version recorded with runs; the package version when loaded from a package. */
  version?: string;
  /** The @distill/core version the plugin was defined with (`definePlugin` stamps it); another major is refused. */
  readonly coreVersion?: string;
  /** Trackers only: how a tracking URI (`--tracking-uri`, an environment variable) chooses and addresses it. */
  readonly addressing?: TrackerAddressing<any>;
}

/** A plugin built by a factory function. */
export interface FactoryPlugin<K extends PluginKind = PluginKind, P = any> extends PluginMetadata<K> {
  readonly create: (params: P, context: BuildContext, services: ResolvedRunServices) => PluginInstanceOf<K> | Promise<PluginInstanceOf<K>>;
  readonly check?: SemanticCheck<P>;
}

/**
 * A plugin built by the container from a class whose constructor injects `PluginParams` and `BuildContext`, and
 * may inject `Environment`, `WarnSink` and (trackers) `RunIdentity`.
 */
export interface ClassPlugin<K extends PluginKind = PluginKind, P = any> extends PluginMetadata<K> {
  readonly implementation: Newable<PluginInstanceOf<K>>;
  readonly check?: SemanticCheck<P>;
}

export type PluginDefinition<K extends PluginKind = PluginKind, P = any> = FactoryPlugin<K, P> | ClassPlugin<K, P>;

export function isClassPlugin(plugin: PluginDefinition): plugin is ClassPlugin {
  return typeof (plugin as ClassPlugin).implementation === 'function';
}
