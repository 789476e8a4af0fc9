// Convolution and pooling geometries for the conformance suite: fixed edge cases (batch 1, odd sizes, strides 1 and
// 2, both paddings, dilation, 1×1 and non-square kernels) plus random ones drawn from a seed, so a run is repeatable
// and the case name says everything needed to reproduce a failure.
import { seededRandom } from '../../random/seeded-random.js';

export interface ConvGeometry {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  pad: 'same' | 'valid';
}

export const describeGeometry = (g: ConvGeometry) =>
  `x [${g.batch},${g.height},${g.width},${g.inChannels}] k ${g.kernel.join('×')} → ${g.outChannels}, strides ${g.strides.join(',')}, dilations ${g.dilations.join(',')}, ${g.pad}`;

const FIXED: ConvGeometry[] = [
  { batch: 1, height: 7, width: 7, inChannels: 1, outChannels: 3, kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { batch: 2, height: 9, width: 8, inChannels: 3, outChannels: 4, kernel: [3, 3], strides: [2, 2], dilations: [1, 1], pad: 'same' },
  { batch: 3, height: 11, width: 10, inChannels: 4, outChannels: 3, kernel: [5, 3], strides: [2, 2], dilations: [1, 1], pad: 'valid' },
  { batch: 2, height: 6, width: 6, inChannels: 9, outChannels: 7, kernel: [1, 1], strides: [1, 1], dilations: [1, 1], pad: 'valid' },
  { batch: 2, height: 7, width: 9, inChannels: 5, outChannels: 6, kernel: [1, 1], strides: [2, 2], dilations: [1, 1], pad: 'same' },
  { batch: 1, height: 5, width: 13, inChannels: 10, outChannels: 2, kernel: [3, 3], strides: [1, 2], dilations: [1, 1], pad: 'same' },
  { batch: 2, height: 9, width: 9, inChannels: 2, outChannels: 3, kernel: [3, 3], strides: [1, 1], dilations: [2, 2], pad: 'same' },
  { batch: 1, height: 10, width: 11, inChannels: 3, outChannels: 2, kernel: [3, 2], strides: [1, 1], dilations: [2, 3], pad: 'valid' },
];

/** The fixed cases and `count` random ones; `dilated: false` keeps every dilation at 1 (kernels without it). */
export function convGeometries(seed: number, count: number, { dilated = true } = {}): ConvGeometry[] {
  const random = seededRandom(seed);
  const pick = <T>(options: readonly T[]) => options[random.int(options.length)];
  const drawn: ConvGeometry[] = [];
  while (drawn.length < count) {
    const kernel: [number, number] = [pick([1, 2, 3, 5]), pick([1, 2, 3, 4])];
    const strided = random.next() < 0.5;
    const dilation = !strided && dilated && random.next() < 0.3 ? 2 : 1;
    const pad = pick(['same', 'valid'] as const);
    const minimum = Math.max(kernel[0], kernel[1]) * dilation;
    const geometry: ConvGeometry = {
      batch: pick([1, 2, 3]),
      height: minimum + random.int(8),
      width: minimum + random.int(8),
      inChannels: 1 + random.int(7),
      outChannels: 1 + random.int(7),
      kernel,
      strides: strided ? [pick([1, 2]), 2] : [1, 1],
      dilations: [dilation, dilation],
      pad,
    };
    drawn.push(geometry);
  }
  return [...FIXED.filter((g) => dilated || (g.dilations[0] === 1 && g.dilations[1] === 1)), ...drawn];
}

export const isDilated = (g: ConvGeometry) => g.dilations[0] > 1 || g.dilations[1] > 1;
