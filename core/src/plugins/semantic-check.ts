// Second validation pass: checks only a plugin can make (a layer name the model lacks), reported like schema errors.
import type { DistillModel } from './model-plugin.js';
import type { DatasetInfo } from './dataset-plugin.js';

export interface SemanticIssue {
  /** JSON pointer relative to the plugin's `params` (`/teacherLayer`), or '' for the section itself. */
  readonly pointer: string;
  readonly message: string;
  readonly hint?: string;
}

export interface SemanticCheckContext {
  /** The teacher of the section being checked (a loss's `teacher`, else the only or first one). */
  teacher(): Promise<DistillModel>;
  student(): Promise<DistillModel>;
  dataset(): Promise<DatasetInfo>;
}

export type SemanticCheck<P> = (params: P, context: SemanticCheckContext) => SemanticIssue[] | Promise<SemanticIssue[]>;
