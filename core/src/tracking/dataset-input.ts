// The dataset a run read, as a tracker records it with the run's inputs: named after its plugin, identified by the
// digest of its content (the dataset's fingerprint), its source (the plugin and params that produced it) and schema.
import type { Dataset } from '../plugins/dataset-plugin.js';
import type { DatasetEvent } from '../plugins/tracker-plugin.js';

/** MLflow keeps digests of at most 36 characters. */
const DIGEST_LENGTH = 16;

export function datasetInput(reference: { readonly type: string; readonly params: unknown }, dataset: Dataset): DatasetEvent {
  const tensor = (name: string, dtype: string, shape: readonly number[]) => ({ type: 'tensor', 'tensor-spec': { dtype, shape: [-1, ...shape] }, name });
  return {
    type: 'dataset',
    name: reference.type,
    digest: dataset.fingerprint.slice(0, DIGEST_LENGTH),
    sourceType: 'code',
    source: JSON.stringify({ plugin: reference.type, params: reference.params }),
    // MLflow's tensor-spec schema, as its own datasets write it.
    schema: JSON.stringify({
      mlflow_tensorspec: {
        features: JSON.stringify([tensor('x', 'float32', dataset.inputShape)]),
        targets: JSON.stringify([tensor('label', 'int32', [])]),
      },
    }),
    profile: JSON.stringify({
      num_classes: dataset.numClasses,
      train: dataset.train.count,
      validation: dataset.validation?.count ?? 0,
      test: dataset.test.count,
    }),
    context: 'training',
  };
}
