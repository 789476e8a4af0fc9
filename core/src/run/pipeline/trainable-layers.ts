// A stage's `trainable.freeze`: the student's layers it leaves as they are, by name or by prefix (`hidden*`). Frozen
// layers keep their weights for the stage (the trainer only collects trainable weights) and are thawed after it.
import type { DistillModel } from '../../plugins/model-plugin.js';

/** True when `pattern` (a name, or a prefix ending in '*') names the layer. */
export function matchesLayer(pattern: string, layerName: string): boolean {
  return pattern.endsWith('*') ? layerName.startsWith(pattern.slice(0, -1)) : layerName === pattern;
}

/** Freezes the layers `freeze` names; returns what thaws them again (to the trainability they had). */
export function freezeLayers(model: DistillModel, freeze: readonly string[] = []): () => void {
  const frozen = model.model.layers.filter((layer) => layer.trainable && freeze.some((pattern) => matchesLayer(pattern, layer.name)));
  for (const layer of frozen) layer.trainable = false;
  return () => {
    for (const layer of frozen) layer.trainable = true;
  };
}
