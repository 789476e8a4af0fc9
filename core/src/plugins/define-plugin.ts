// The authoring API: `definePlugin` gives a plugin's code params typed from its own JSON Schema. See docs/plugins.md.
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { Newable } from 'inversify';
import type { PluginKind } from './plugin-kind.js';
import type { PluginInstanceOf } from './plugin-instances.js';
import type { BuildContext } from './build-context.js';
import type { SemanticCheck } from './semantic-check.js';
import type { ClassPlugin, FactoryPlugin, PluginDefinition } from './plugin-definition.js';
import type { JsonSchema } from './json-schema.js';
import type { ResolvedRunServices } from './run-services.js';
import type { TrackerAddressing } from './tracker-plugin.js';
import { distillVersion } from '../version.js';

/** The params type a schema describes (defaults are filled in before `create` sees them). */
export type ParamsOf<S> = S extends JSONSchema ? FromSchema<S, { keepDefaultedPropertiesOptional: false }> : never;

/** What every plugin declares, whichever way it is built. */
export interface PluginSpecBase<K extends PluginKind, S extends JSONSchema> {
  /** `'dataset' | 'model' | 'teacher' | 'loss' | 'optimizer' | 'scheduler' | 'tracker' | 'tokenizer' | 'augmentation'`: decides what `create` must return. */
  readonly kind: K;
  /** The name manifests use in `type`: lower-case words joined by dashes, unique within its kind. */
  readonly name: string;
  /** One line, shown by `distill plugins` and as the editor's tooltip for the name. */
  readonly description: string;
  /**
   * JSON Schema (draft-07) of `params`, written `as const` so the params type can be read from it. Close it with
   * `additionalProperties: false` (a typo is then an error with a did-you-mean), give `description`s (editor tooltips)
   * and `default`s (filled in before `create` sees the params, so a defaulted param is never `undefined`).
   */
  readonly paramsSchema: S;
  /** Recorded with runs; a package's plugins get the package version. */
  readonly version?: string;
  /**
   * Checks only this plugin can make, run before training (and by `distill validate`): a layer the model lacks, a
   * width that does not match. Issues are reported at their place in the manifest, like schema errors.
   */
  readonly check?: SemanticCheck<ParamsOf<S>>;
  /** Trackers only: how a tracking URI chooses this tracker and which param it sets (see `TrackerAddressing`). */
  readonly addressing?: K extends 'tracker' ? TrackerAddressing<ParamsOf<S>> : never;
}

export interface FactoryPluginSpec<K extends PluginKind, S extends JSONSchema> extends PluginSpecBase<K, S> {
  /**
   * Builds the instance for one manifest section from its validated params (sync or async). `services` holds the
   * environment the plugin may read and where its warnings go (and, for trackers, the run it records).
   */
  readonly create: (params: ParamsOf<S>, context: BuildContext, services: ResolvedRunServices) => PluginInstanceOf<K> | Promise<PluginInstanceOf<K>>;
}

export interface ClassPluginSpec<K extends PluginKind, S extends JSONSchema> extends PluginSpecBase<K, S> {
  /**
   * A class the container builds: its constructor takes `@inject(PluginParams) params: ParamsOf<typeof schema>` and
   * optionally `@inject(BuildContext) context: BuildContext`, `@inject(Environment) env: Environment`,
   * `@inject(WarnSink) warnings: WarnSink` and, for trackers, `@inject(RunIdentity) run: RunIdentity`.
   */
  readonly implementation: Newable<PluginInstanceOf<K>>;
}

/**
 * Declares a plugin: its kind, name, one-line description, params JSON Schema and how an instance is built. Export the
 * result from a `.ts`, `.js` or `.mjs` file and list that file in a manifest's `plugins` (or pass `--plugin`).
 *
 * The instance `create` returns is typed by `kind` (a `loss` returns a {@link DistillLoss}, a `model` a
 * {@link DistillModel}, …) and `params` is typed from `paramsSchema`:
 *
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { definePlugin, type DistillLoss } from '@distill/core';
 *
 * export default definePlugin({
 *   kind: 'loss',
 *   name: 'logit-mse',
 *   description: 'Mean squared error between student and teacher logits.',
 *   paramsSchema: {
 *     type: 'object',
 *     properties: { scale: { type: 'number', exclusiveMinimum: 0, default: 1, description: 'Multiplies the error.' } },
 *     additionalProperties: false,
 *   } as const,
 *   create: (params): DistillLoss => ({                  // params: { scale: number }
 *     requires: { teacherLogits: true },
 *     compute: ({ studentLogits, teacherLogits }) =>
 *       tf.tidy(() => tf.squaredDifference(studentLogits, teacherLogits!).mean().mul(params.scale) as tf.Scalar),
 *   }),
 * });
 * ```
 *
 * Or built by the container from a class:
 *
 * ```ts
 * const paramsSchema = { type: 'object', properties: { rate: { type: 'number', default: 0.01 } }, additionalProperties: false } as const;
 *
 * class FixedRate implements LearningRateSchedule {
 *   constructor(@inject(PluginParams) private readonly params: ParamsOf<typeof paramsSchema>) {}
 *   learningRateAt(): number { return this.params.rate; }
 * }
 *
 * export default definePlugin({ kind: 'scheduler', name: 'fixed-rate', description: 'A fixed rate.', paramsSchema, implementation: FixedRate });
 * ```
 */
export function definePlugin<K extends PluginKind, const S extends JSONSchema>(spec: FactoryPluginSpec<K, S>): FactoryPlugin<K, ParamsOf<S>>;
export function definePlugin<K extends PluginKind, const S extends JSONSchema>(spec: ClassPluginSpec<K, S>): ClassPlugin<K, ParamsOf<S>>;
export function definePlugin(spec: FactoryPluginSpec<PluginKind, JSONSchema> | ClassPluginSpec<PluginKind, JSONSchema>): PluginDefinition {
  // The core a plugin was made with travels with it: a distill of another major refuses it by name (core-compatibility.ts).
  return { ...spec, paramsSchema: spec.paramsSchema as unknown as JsonSchema, coreVersion: distillVersion() } as PluginDefinition;
}
