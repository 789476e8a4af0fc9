import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { checkModelContract } from './model-contract.js';
import type { DistillModel } from './model-plugin.js';

function dense(units: number, declared: string[] = ['hidden']): DistillModel {
  const input = tf.input({ shape: [4] });
  const hidden = tf.layers.dense({ units: 6, name: 'hidden' }).apply(input);
  const logits = tf.layers.dense({ units, name: 'logits' }).apply(hidden) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: input, outputs: logits }), layers: declared.map((name) => ({ name, width: 6 })), pretrained: false };
}

function messageOf(action: () => void): string {
  try {
    action();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('checkModelContract', () => {
  it('accepts logits of width numClasses and declared layers the model has', () => {
    expect(() => checkModelContract(dense(3), 3, 'my-net', 'student')).not.toThrow();
  });

  it('refuses a model whose input shape is not the dataset\'s sample shape, and accepts the same shape', () => {
    expect(() => checkModelContract(dense(3), 3, 'my-net', 'student', [4])).not.toThrow();
    expect(messageOf(() => checkModelContract(dense(3), 3, 'my-net', 'student', [2, 2, 1]))).toBe(
      'the student (model plugin "my-net") reads inputs of shape [4], but the dataset\'s samples are [2, 2, 1]\n' +
        "  hint: make the dataset give samples of the model's input shape (an image dataset's imageSize and color), or build the model from context.dataset.inputShape",
    );
  });

  it('names the model plugin and the role when the output width is not the number of classes', () => {
    expect(messageOf(() => checkModelContract(dense(5), 10, 'my-net', 'teacher'))).toBe(
      'the teacher (model plugin "my-net") outputs shape [batch, 5], but the dataset has 10 classes: it must output logits of shape [batch, 10]\n  hint: size its last layer from context.dataset.numClasses',
    );
  });

  it('rejects an output that is not one row of logits per sample', () => {
    const input = tf.input({ shape: [2, 3] });
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor });
    expect(messageOf(() => checkModelContract({ model, layers: [], pretrained: false }, 3, 'seq', 'student'))).toMatch(/^the student \(model plugin "seq"\) outputs shape \[batch, 2, 3\]/);
  });

  it('rejects a declared layer the tf model does not have, listing the ones it has', () => {
    expect(messageOf(() => checkModelContract(dense(3, ['hidden', 'hiden2']), 3, 'my-net', 'student'))).toMatch(
      /^the student \(model plugin "my-net"\) declares layer "hiden2", which its tf model does not have; its layers are: input\d*, hidden, logits$/,
    );
  });

  it('rejects something that is not a DistillModel at all', () => {
    expect(messageOf(() => checkModelContract({ model: tf.sequential() } as unknown as DistillModel, 3, 'raw', 'teacher'))).toBe(
      'the teacher (model plugin "raw") is not a model: its create must return { model: a tf.LayersModel, layers: [...], pretrained }',
    );
  });
});
