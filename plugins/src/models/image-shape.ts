// Which image shape a convolutional model reads its inputs as: given, already 3-D, or 28×28×1 for 784 floats (MNIST).
import type { SemanticCheckContext, SemanticIssue } from '@distill/core';

/** The `imageShape` param of the convolutional models. */
export const imageShapeParam = {
  type: 'array',
  items: { type: 'integer', minimum: 1 },
  minItems: 3,
  maxItems: 3,
  description: 'How to read a sample as an image, [height, width, channels]. Default: [28, 28, 1] for 784 inputs; the input shape when it is 3-D.',
} as const;

export type ImageShape = [height: number, width: number, channels: number];

/** The shape to use, or a message saying why there is none. */
export function resolveImageShape(inputShape: readonly number[], imageShape?: readonly number[]): ImageShape | string {
  const size = inputShape.reduce((product, d) => product * d, 1);
  if (imageShape) {
    const imageSize = imageShape.reduce((product, d) => product * d, 1);
    if (imageSize === size) return [imageShape[0], imageShape[1], imageShape[2]];
    return `imageShape [${imageShape.join(', ')}] holds ${imageSize} values, but a sample has ${size} (input shape [${inputShape.join(', ')}])`;
  }
  if (inputShape.length === 3) return [inputShape[0], inputShape[1], inputShape[2]];
  if (inputShape.length === 1 && size === 784) return [28, 28, 1];
  return `inputs of shape [${inputShape.join(', ')}] are not images; give imageShape [height, width, channels]`;
}

/** The semantic check of a model's `imageShape` param: the dataset's samples must fit it. */
export async function imageShapeIssues(imageShape: readonly number[] | undefined, context: SemanticCheckContext): Promise<SemanticIssue[]> {
  const resolved = resolveImageShape((await context.dataset()).inputShape, imageShape);
  return typeof resolved === 'string' ? [{ pointer: imageShape ? '/imageShape' : '', message: resolved }] : [];
}
