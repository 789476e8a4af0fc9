// `evaluation.json`: what the final evaluation saw on the test split beyond the headline numbers — each model's
// confusion matrix and where the student's predictions differ from the teacher's — for reports and other readers.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const EVALUATION_FILE = 'evaluation.json';

/** The models a run evaluates; the baseline only when the run trained one. */
export type EvaluatedRole = 'teacher' | 'student' | 'baseline';

export interface TestEvaluation {
  readonly version: 1;
  readonly split: 'test';
  /** Class names when the dataset has them, else the class indices as text. */
  readonly classes: readonly string[];
  /** Samples in the split, and how many of them have a label (confusion matrices count only those). */
  readonly samples: number;
  readonly labelled: number;
  /** `confusion[role][true class][predicted class]`: labelled samples. */
  readonly confusion: Readonly<Partial<Record<EvaluatedRole, readonly (readonly number[])[]>>>;
  /** `matrix[teacher's prediction][student's prediction]` over every sample: off the diagonal they disagree. */
  readonly disagreement: { readonly rows: 'teacher'; readonly columns: 'student'; readonly matrix: readonly (readonly number[])[] };
}

export function writeEvaluationFile(runDir: string, evaluation: TestEvaluation): string {
  const file = join(runDir, EVALUATION_FILE);
  writeFileSync(file, `${JSON.stringify(evaluation)}\n`);
  return file;
}
