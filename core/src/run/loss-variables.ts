// The variables losses own (connectors, embedding heads, memory banks) are part of what a run trains: saved with the
// student (`student/loss-variables.*`) and restored into the same losses where a run continues (checkpoints). They are
// saved in the order of the run's loss terms, under `<term>/<variable>` (`<stage>/<term>/<variable>` for a loss written
// in a user stage); restoring matches them by that order and checks every shape.
import * as tf from '@tensorflow/tfjs';
import { loadVariables, type NamedVariable } from '../io/model-files.js';
import { UserError } from '../errors.js';
import type { PreparedRun } from './pipeline/prepare-run.js';

export const LOSS_VARIABLES = 'loss-variables';

/** Every loss variable of the run, named for the files, in a fixed order. */
export function lossVariableEntries(prepared: Pick<PreparedRun, 'terms' | 'experiment'>): NamedVariable[] {
  return [...prepared.terms.entries()].flatMap(([pointer, term]) => {
    const stage = /^\/stages\/(\d+)\//.exec(pointer);
    const prefix = stage ? `${prepared.experiment.stages![Number(stage[1])].name}/` : '';
    return (term.loss.variables ?? []).map((v) => ({ name: `${prefix}${term.name}/${v.name}`, tensor: v as tf.Tensor }));
  });
}

/** Assigns the variables saved in `dir` (`loss-variables.json` + `.bin`) to the run's losses; returns how many. */
export async function restoreLossVariables(prepared: Pick<PreparedRun, 'terms' | 'experiment'>, dir: string): Promise<number> {
  const variables = [...prepared.terms.values()].flatMap((term) => term.loss.variables ?? []);
  if (variables.length === 0) return 0;
  const saved = await loadVariables(dir, LOSS_VARIABLES);
  const expected = lossVariableEntries(prepared);
  try {
    if (saved.length !== variables.length) {
      throw new UserError(`${dir}/${LOSS_VARIABLES}.json holds ${saved.length} loss variables, but this run's losses own ${variables.length} (${expected.map((e) => e.name).join(', ')})`);
    }
    saved.forEach(({ name, tensor }, i) => {
      if (tensor.shape.join(',') !== variables[i].shape.join(',')) {
        throw new UserError(`${dir}/${LOSS_VARIABLES}.json: "${name}" has shape [${tensor.shape.join(', ')}], but ${expected[i].name} has [${variables[i].shape.join(', ')}]`);
      }
    });
    saved.forEach(({ tensor }, i) => variables[i].assign(tensor));
  } finally {
    tf.dispose(saved.map((s) => s.tensor));
  }
  return variables.length;
}
