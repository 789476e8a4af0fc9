// Size and speed of a model: parameters, weight bytes, and per-sample inference latency at batch 1 and batch 128.
import * as tf from '@tensorflow/tfjs';

export interface ModelFootprint {
  readonly parameters: number;
  readonly weightBytes: number;
  /** Milliseconds per sample, median over repeats. */
  readonly latencyBatch1Ms: number;
  readonly latencyBatch128Ms: number;
}

export async function measureFootprint(model: tf.LayersModel, inputShape: readonly number[], inputDtype: 'float32' | 'int32' = 'float32'): Promise<ModelFootprint> {
  const weights = model.weights;
  const parameters = weights.reduce((n, w) => n + w.read().size, 0);
  const weightBytes = weights.reduce((n, w) => n + w.read().size * bytesPerElement(w.dtype), 0);
  return {
    parameters,
    weightBytes,
    latencyBatch1Ms: await medianLatency(model, inputShape, inputDtype, 1, 30),
    latencyBatch128Ms: await medianLatency(model, inputShape, inputDtype, 128, 7),
  };
}

async function medianLatency(model: tf.LayersModel, inputShape: readonly number[], inputDtype: 'float32' | 'int32', batch: number, repeats: number): Promise<number> {
  // Token ids: zeros (id 0 is in every vocabulary); floats: uniform noise.
  const x = inputDtype === 'int32' ? tf.zeros([batch, ...inputShape], 'int32') : tf.randomUniform([batch, ...inputShape], 0, 1, 'float32', 1);
  const once = async () => {
    const y = model.predict(x) as tf.Tensor;
    await y.data();
    y.dispose();
  };
  await once();
  await once();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await once();
    times.push((performance.now() - start) / batch);
  }
  x.dispose();
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function bytesPerElement(dtype: string): number {
  return dtype === 'float16' ? 2 : dtype === 'bool' ? 1 : 4;
}
