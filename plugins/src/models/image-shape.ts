// Which image shape a convolutional model reads its inputs as: given, already 3-D, or 28×28×1 for 784 floats (MNIST).

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
