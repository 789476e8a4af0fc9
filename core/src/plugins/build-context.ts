// What a plugin may know about the run it is built for; bound in the child container next to its params.
import type { Dataset, DatasetInfo } from './dataset-plugin.js';
import type { DistillModel } from './model-plugin.js';
import type { Tokenizer } from './tokenizer-plugin.js';

export const PluginParams = Symbol.for('distill.PluginParams');
export const BuildContext = Symbol.for('distill.BuildContext');
/** The former name of the `BuildContext` token, kept for plugins written against it. */
export const BuildContextToken = BuildContext;

export interface BuildContext {
  /** Directory of the manifest: relative paths in params resolve from here. */
  readonly manifestDir: string;
  /** The run's seed; plugins derive their own seeds from it so runs are reproducible. */
  readonly seed: number;
  /** The manifest section being built, as a JSON pointer (`/teacher`, `/losses/1`). */
  readonly pointer: string;
  /** Shape and classes of the dataset, once it is loaded (models and losses need them). */
  readonly dataset?: DatasetInfo;
  /** A dataset whose manifest section names a `tokenizer`: the tokenizer built from it (not yet fitted). */
  readonly tokenizer?: Tokenizer;
  /**
   * Teacher sources only: the dataset as built (its splits and fingerprint), so that predictions made elsewhere can be
   * checked against the data they are used with.
   */
  readonly data?: Dataset;
  /** Role of a model: the same plugin builds teachers and students. */
  readonly role?: 'teacher' | 'student';
  /**
   * The built models, for plugins built after them (a loss sizing a connector to their layers): `teacher` is the
   * loss's teacher, `teachers` every teacher by name. A teacher source stands in with the layers it can tap; its
   * `model` is not a tf model and throws when read.
   */
  readonly models?: { readonly teacher: DistillModel; readonly student: DistillModel; readonly teachers?: Readonly<Record<string, DistillModel>> };
}
