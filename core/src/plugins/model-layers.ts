// Finding a model's declared layer by name, written once: feature losses (in their checks and when they size
// connectors) and the trainer (when it taps a layer) all say the same thing when the name is wrong.
import { UserError } from '../errors.js';
import { nearest } from './did-you-mean.js';
import type { DistillModel, FeatureLayer } from './model-plugin.js';

export interface MissingLayer {
  readonly message: string;
  readonly hint?: string;
}

/** The layer `name` that `model` declares, or what to tell the user when it declares none by that name. */
export function lookupLayer(model: DistillModel, role: string, name: string): { layer: FeatureLayer } | { missing: MissingLayer } {
  const layer = model.layers.find((candidate) => candidate.name === name);
  if (layer) return { layer };
  const names = model.layers.map((candidate) => candidate.name);
  const close = nearest(name, names);
  return { missing: { message: `the ${role} has no layer "${name}"; its layers are: ${names.join(', ')}`, ...(close ? { hint: `did you mean "${close}"?` } : {}) } };
}

/** The layer `name` that `model` declares; a UserError naming the layers it has otherwise. */
export function requireLayer(model: DistillModel, role: string, name: string): FeatureLayer {
  const found = lookupLayer(model, role, name);
  if ('layer' in found) return found.layer;
  throw new UserError(found.missing.message, found.missing.hint ? { hint: found.missing.hint } : undefined);
}
