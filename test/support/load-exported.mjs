// Loads exported students the way a deployment does, with nothing of distill: plain @tensorflow/tfjs, over HTTP.
// Usage: node load-exported.mjs <baseUrl> <inputs.f32> <count> <width> <modelPath>...
// Prints {"backend": …, "predictions": {"<modelPath>": [class per input]}}.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';

const [baseUrl, inputsFile, count, width, ...paths] = process.argv.slice(2);
const bytes = readFileSync(inputsFile);
const inputs = tf.tensor2d(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4), [Number(count), Number(width)]);
const predictions = {};
for (const path of paths) {
  const model = await tf.loadLayersModel(`${baseUrl}/${path}/model.json`);
  const classes = tf.tidy(() => model.predict(inputs).argMax(1));
  predictions[path] = Array.from(await classes.data());
  classes.dispose();
  model.dispose();
}
process.stdout.write(`${JSON.stringify({ backend: tf.getBackend(), predictions })}\n`);
