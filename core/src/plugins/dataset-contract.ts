// What a built dataset must be before anything trains on it: a non-empty training split, features for every sample
// (`x` of `count × product(inputShape)` finite numbers, or int32 ids for an int32 dataset), and a label in
// [0, numClasses) — or UNLABELED — for each. A dataset plugin that breaks this fails here, naming its plugin and the
// split, instead of as a raw tfjs error or a NaN loss blamed on the learning rate. Splits read by position
// (`SampleSource`s) are checked batch by batch as they are read (`data/read-samples.ts`): here only their count.
import { UserError } from '../errors.js';
import { isSampleSource, UNLABELED, type DataSplit, type Dataset, type Split } from './dataset-plugin.js';

export function checkDatasetContract(dataset: Dataset, plugin: string): void {
  const who = `dataset plugin "${plugin}"`;
  const { numClasses, inputShape } = dataset;
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new UserError(`${who} declares ${numClasses} classes; a classification dataset has at least 2`);
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new UserError(`${who} declares the input shape [${String(inputShape)}]; each dimension must be a whole number above 0`);
  }
  const features = inputShape.reduce((a, b) => a * b, 1);
  const splits: [string, Split | undefined][] = [['train', dataset.train], ['validation', dataset.validation], ['test', dataset.test], ['teacherTrain', dataset.teacherTrain]];
  const int32 = dataset.inputDtype === 'int32';
  for (const [name, split] of splits) {
    if (!split) continue;
    if (isSampleSource(split)) checkCount(`${who}, ${name} split`, split.count);
    else checkSplit(`${who}, ${name} split`, split, features, int32 ? 'int32' : 'float32', dataset.task === 'multilabel' ? Infinity : numClasses);
  }
  if (dataset.train.count === 0) throw new UserError(`${who}: the train split is empty; there is nothing to train on`);
}

function checkCount(where: string, count: number): void {
  if (!Number.isInteger(count) || count < 0) throw new UserError(`${where}: count is ${count}, not a whole number of samples`);
}

function checkSplit(where: string, { x, y, count }: DataSplit, features: number, dtype: 'float32' | 'int32', numClasses: number): void {
  checkCount(where, count);
  const InputArray = dtype === 'int32' ? Int32Array : Float32Array;
  if (!(x instanceof InputArray)) throw new UserError(`${where}: x must be a ${InputArray.name} (the dataset's inputDtype is ${dtype})`);
  if (x.length < count * features) {
    throw new UserError(`${where}: x holds ${x?.length ?? 0} values, but ${count} samples × ${features} features need ${count * features}`);
  }
  if (!(y instanceof Int32Array) || y.length < count) throw new UserError(`${where}: y holds ${y?.length ?? 0} labels for ${count} samples`);
  for (let i = 0; i < count; i++) {
    const label = y[i];
    if (label !== UNLABELED && (label < 0 || label >= numClasses)) {
      throw new UserError(`${where}: sample ${i} has label ${label}, outside [0, ${numClasses}) (the dataset declares ${numClasses} classes; ${UNLABELED} marks an unlabelled sample)`);
    }
  }
  for (let i = 0; i < count * features; i++) {
    if (!Number.isFinite(x[i])) {
      throw new UserError(`${where}: sample ${Math.floor(i / features)}, feature ${i % features} is ${x[i]}; features must be finite numbers`);
    }
  }
}
