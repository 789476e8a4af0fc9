// `distill init project`: the example experiment. Small enough to run in seconds on the embedded wasm backend
// (synthetic clusters, a 64-unit teacher, a 16-unit student), and it uses the project's example plugin.
import type { PluginTemplate } from './plugin-template.js';

/** `schema` and `plugin` are relative to the manifest. */
export function projectManifestTemplate(schema: string, plugin: string, example: PluginTemplate): string {
  return `{
  "$schema": ${JSON.stringify(schema)},
  "name": "example",
  "description": "Synthetic clusters: a 12-64-4 teacher teaches a 12-16-4 student through soft targets, the project's feature-cosine hint and the few hard labels.",
  "seed": 7,
  "plugins": [${JSON.stringify(plugin)}],
  "dataset": { "type": "synthetic", "params": { "numFeatures": 12, "numClasses": 4, "samplesPerClass": 250, "labelsPerClass": 10 } },
  "teacher": { "type": "mlp", "params": { "hidden": [64] }, "train": { "epochs": 8, "batchSize": 32 } },
  "student": { "type": "mlp", "params": { "hidden": [16] } },
  "losses": [
    { "type": "kl-divergence", "params": { "temperature": 4 }, "weight": 0.7 },
    ${example.usage},
    { "type": "cross-entropy", "weight": 0.1 }
  ],
  "optimizer": { "type": "adam", "params": { "learningRate": 0.01 } },
  "training": { "epochs": 8, "batchSize": 32 }
}
`;
}
