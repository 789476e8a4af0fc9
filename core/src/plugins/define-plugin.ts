// The authoring API: `definePlugin` gives a plugin's code params typed from its own JSON Schema.
//
//   export default definePlugin({
//     kind: 'loss', name: 'cosine-hint', description: 'Cosine distance between features',
//     paramsSchema: { type: 'object', properties: { layer: { type: 'string' } }, required: ['layer'],
//                     additionalProperties: false } as const,
//     create: (params) => ({ requires: {...}, compute: (inputs) => ... }),  // params.layer: string
//   });
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { Newable } from 'inversify';
import type { PluginKind } from './plugin-kind.js';
import type { PluginInstanceOf } from './plugin-instances.js';
import type { BuildContext } from './build-context.js';
import type { SemanticCheck } from './semantic-check.js';
import type { ClassPlugin, FactoryPlugin } from './plugin-definition.js';
import type { JsonSchema } from './json-schema.js';

/** The params type a schema describes (defaults are filled in before `create` sees them). */
export type ParamsOf<S> = S extends JSONSchema ? FromSchema<S, { keepDefaultedPropertiesOptional: false }> : never;

export interface FactoryPluginSpec<K extends PluginKind, S extends JSONSchema> {
  readonly kind: K;
  readonly name: string;
  readonly description: string;
  readonly paramsSchema: S;
  readonly version?: string;
  readonly create: (params: ParamsOf<S>, context: BuildContext) => PluginInstanceOf<K> | Promise<PluginInstanceOf<K>>;
  readonly check?: SemanticCheck<ParamsOf<S>>;
}

export interface ClassPluginSpec<K extends PluginKind, S extends JSONSchema> {
  readonly kind: K;
  readonly name: string;
  readonly description: string;
  readonly paramsSchema: S;
  readonly version?: string;
  /** Its constructor takes `@inject(PluginParams) params` and optionally `@inject(BuildContextToken) context`. */
  readonly implementation: Newable<PluginInstanceOf<K>>;
  readonly check?: SemanticCheck<ParamsOf<S>>;
}

export function definePlugin<K extends PluginKind, const S extends JSONSchema>(spec: FactoryPluginSpec<K, S>): FactoryPlugin<K, ParamsOf<S>>;
export function definePlugin<K extends PluginKind, const S extends JSONSchema>(spec: ClassPluginSpec<K, S>): ClassPlugin<K, ParamsOf<S>>;
export function definePlugin(spec: FactoryPluginSpec<PluginKind, JSONSchema> | ClassPluginSpec<PluginKind, JSONSchema>) {
  return { ...spec, paramsSchema: spec.paramsSchema as unknown as JsonSchema };
}
