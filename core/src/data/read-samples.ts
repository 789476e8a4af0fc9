// Reading a split by position, with the contract checked: a source that returns the wrong types or sizes is named
// at once instead of failing deep inside a tensor op.
import type { SampleSource, Samples } from '../plugins/dataset-plugin.js';
import { sampleWidth, type SampleLayout } from './sample-layout.js';

/** The samples at `positions`, checked against the layout: a source that breaks the contract is named. */
export async function readSamples(source: SampleSource, positions: Int32Array, layout: SampleLayout, where: string): Promise<Samples> {
  const samples = await source.read(positions);
  const problem = samplesProblem(samples, positions.length, layout);
  if (problem) throw new Error(`${where}: read(${positions.length} positions) ${problem}`);
  return samples;
}

function samplesProblem(samples: Samples, count: number, layout: SampleLayout): string | undefined {
  const inputType = layout.inputDtype === 'int32' ? Int32Array : Float32Array;
  if (!samples || !(samples.inputs instanceof inputType)) return `must return inputs as a ${inputType.name} (the dataset's inputDtype is ${layout.inputDtype})`;
  if (samples.inputs.length !== count * sampleWidth(layout)) {
    return `returned ${samples.inputs.length} input values; expected ${count} × ${sampleWidth(layout)} (inputShape [${layout.inputShape.join(', ')}])`;
  }
  if (!(samples.labels instanceof Int32Array) || samples.labels.length !== count) return `must return ${count} labels as an Int32Array`;
  if (!(samples.ids instanceof Int32Array) || samples.ids.length !== count) return `must return ${count} sample ids as an Int32Array`;
  if (layout.task === 'multilabel' && (!(samples.targets instanceof Float32Array) || samples.targets.length !== count * layout.numClasses)) {
    return `must return targets as a Float32Array of ${count} × ${layout.numClasses} values (the dataset is multi-label)`;
  }
  return undefined;
}

