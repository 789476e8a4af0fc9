// The `resnet` model: the CIFAR-style residual network of He et al. (2016, §4.2) for image-shaped inputs. A 3×3
// stem convolution, three stages of n basic blocks each (depth = 6n + 2 layers with weights), 16, 32 and 64 filters
// times a width multiplier, stride 2 at the start of stages 2 and 3, global average pooling and the logits. A basic
// block is conv-BN-ReLU-conv-BN plus a shortcut, then ReLU; where a block changes the shape the shortcut is a 1×1
// strided convolution with batch normalization (the paper's option B). The stage outputs are declared layers
// (block1, block2, block3) with the stem and the pooled features, so feature losses can tap them.
import * as tf from '@tensorflow/tfjs';
import { definePlugin, type BuildContext, type DistillModel } from '@distill/core';
import { batchNormalization, datasetOf, featureLayers, imageInput, seededKernel } from './model-building.js';
import { imageShapeIssues, imageShapeParam } from './image-shape.js';

export const RESNET_DEPTHS = [8, 14, 20, 32, 44, 56, 110] as const;

const paramsSchema = {
  type: 'object',
  properties: {
    depth: {
      enum: RESNET_DEPTHS,
      default: 20,
      description: 'Layers with weights, 6n + 2: n basic blocks per stage (8: one block, 14: two, 20: three, …).',
    },
    width: {
      type: 'number',
      exclusiveMinimum: 0,
      default: 1,
      description: 'Multiplier of the filters per stage (16, 32, 64), each rounded and at least 1: 0.5 gives 8, 16, 32.',
    },
    imageShape: imageShapeParam,
  },
  additionalProperties: false,
} as const;

const STAGE_FILTERS = [16, 32, 64];

export default definePlugin({
  kind: 'model',
  name: 'resnet',
  description:
    'A CIFAR-style ResNet (He et al. 2016): 3×3 stem, three stages of basic residual blocks (16, 32, 64 filters × width; depth 6n+2), global average pooling, logits. Declared layers: stem, block1, block2, block3, pool, logits.',
  paramsSchema,
  create: (params, context): DistillModel => {
    const { numClasses } = datasetOf(context, 'resnet');
    const { input, image } = imageInput(context, 'resnet', params.imageShape);
    const blocksPerStage = (params.depth - 2) / 6;
    const filters = STAGE_FILTERS.map((base) => Math.max(1, Math.round(base * params.width)));
    const layers = new ResNetLayers(context);
    let x = layers.relu(layers.convBn(image, 'stem', filters[0], 3, 1), 'stem');
    filters.forEach((stageFilters, stage) => {
      for (let block = 0; block < blocksPerStage; block++) {
        const strides = stage > 0 && block === 0 ? 2 : 1;
        x = layers.basicBlock(x, `stage${stage + 1}_block${block + 1}`, stageFilters, strides);
      }
      // The stage's output under a stable name, whatever the depth.
      x = tf.layers.activation({ activation: 'linear', name: `block${stage + 1}` }).apply(x) as tf.SymbolicTensor;
    });
    x = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tf.SymbolicTensor;
    const logits = tf.layers.dense({ units: numClasses, kernelInitializer: seededKernel(context, 'logits'), name: 'logits' }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: logits });
    return { model, layers: featureLayers(model, ['stem', 'block1', 'block2', 'block3', 'pool', 'logits']), pretrained: false };
  },
  check: (params, context) => imageShapeIssues(params.imageShape, context),
});

/** The pieces of a ResNet, each layer named and its convolution seeded by that name. */
class ResNetLayers {
  constructor(private readonly context: BuildContext) {}

  /** conv (no bias: batch normalization's offset takes its place) → batch normalization. */
  convBn(x: tf.SymbolicTensor, name: string, filters: number, kernelSize: number, strides: number): tf.SymbolicTensor {
    const conv = tf.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false, kernelInitializer: seededKernel(this.context, `${name}_conv`), name: `${name}_conv` });
    return batchNormalization(`${name}_bn`).apply(conv.apply(x)) as tf.SymbolicTensor;
  }

  relu(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
    return tf.layers.reLU({ name }).apply(x) as tf.SymbolicTensor;
  }

  /** conv-BN-ReLU-conv-BN, plus the input (or its 1×1 projection when the shape changes), then ReLU. */
  basicBlock(x: tf.SymbolicTensor, name: string, filters: number, strides: number): tf.SymbolicTensor {
    const first = this.relu(this.convBn(x, `${name}_1`, filters, 3, strides), `${name}_1_relu`);
    const residual = this.convBn(first, `${name}_2`, filters, 3, 1);
    const reshapes = strides !== 1 || x.shape[3] !== filters;
    const shortcut = reshapes ? this.convBn(x, `${name}_shortcut`, filters, 1, strides) : x;
    const sum = tf.layers.add({ name: `${name}_add` }).apply([residual, shortcut]) as tf.SymbolicTensor;
    return this.relu(sum, name);
  }
}
