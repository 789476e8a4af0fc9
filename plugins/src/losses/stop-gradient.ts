// The identity with a zero gradient: keeps a loss from pushing on the teacher's side even if its tensors are watched.
// tfjs has no stop_gradient op, so it is a custom gradient.
import * as tf from '@tensorflow/tfjs';

const identityWithoutGradient = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = inputs[0] as tf.Tensor;
  return { value: x.clone(), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
});

export function stopGradient<T extends tf.Tensor>(x: T): T {
  return identityWithoutGradient(x) as T;
}
