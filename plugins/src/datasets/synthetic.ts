// The `synthetic` dataset: seeded Gaussian clusters, a few per class, for tests and quick demos.
import { definePlugin, deriveSeed, seededRandom, shuffledIndices, UNLABELED, UserError, type DataSplit, type Dataset } from '@distill/core';
import { datasetFingerprint } from './dataset-fingerprint.js';
import { gatherSplit, range, splitSizes, withAllLabels, type RowTable } from './split-rows.js';

const paramsSchema = {
  type: 'object',
  properties: {
    numFeatures: { type: 'integer', minimum: 1, default: 16, description: 'Features per sample.' },
    numClasses: { type: 'integer', minimum: 2, default: 4, description: 'Number of classes.' },
    clustersPerClass: {
      type: 'integer',
      minimum: 1,
      default: 2,
      description: 'Gaussian clusters per class; more than one makes the classes not linearly separable.',
    },
    samplesPerClass: { type: 'integer', minimum: 3, default: 250, description: 'Samples generated for each class.' },
    separation: {
      type: 'number',
      exclusiveMinimum: 0,
      default: 1,
      description: 'Standard deviation of the cluster centres around the origin, per feature: larger is easier.',
    },
    clusterSpread: {
      type: 'number',
      exclusiveMinimum: 0,
      default: 1.5,
      description: 'Standard deviation of the samples around their cluster centre, per feature: larger is harder.',
    },
    validationFraction: {
      type: 'number',
      minimum: 0,
      exclusiveMaximum: 1,
      default: 0.1,
      description: "Fraction of each class's samples held out for validation.",
    },
    testFraction: {
      type: 'number',
      exclusiveMinimum: 0,
      exclusiveMaximum: 1,
      default: 0.2,
      description: "Fraction of each class's samples held out for the test set.",
    },
    labelsPerClass: {
      type: 'integer',
      minimum: 1,
      description: 'Keep the label of only the first N training samples of each class; the rest stay in as unlabeled inputs.',
    },
    seed: { type: 'integer', minimum: 0, default: 0, description: 'Seed of the data: the same seed gives the same samples.' },
    multiLabel: {
      type: 'boolean',
      default: false,
      description:
        "A multi-label dataset (for sigmoid heads): every sample has its class's target, and the samples of a class's odd-numbered clusters also the next class's; trained with binary-cross-entropy.",
    },
  },
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'dataset',
  name: 'synthetic',
  description:
    'Seeded Gaussian clusters (clustersPerClass per class) in numFeatures dimensions. Per class, the first samples are training, ' +
    'then validation, then test; the training split has a seeded shuffled order.',
  paramsSchema,
  create: (params): Dataset => {
    const { numFeatures, numClasses, samplesPerClass } = params;
    const table = generate(params);
    const sizes = splitSizes(samplesPerClass, params.validationFraction, params.testFraction);
    if (sizes.train < 1 || sizes.test < 1) {
      throw new UserError(
        `synthetic: ${samplesPerClass} samples per class leave no training or test samples with validationFraction ${params.validationFraction} and testFraction ${params.testFraction}`,
      );
    }
    const perClass = (from: number, to: number) => range(0, numClasses).flatMap((c) => range(c * samplesPerClass + from, c * samplesPerClass + to));

    const trainRows = perClass(0, sizes.train);
    const trainIndices = Array.from(shuffledIndices(trainRows.length, deriveSeed(params.seed, 'order')), (i) => trainRows[i]);
    const labelsPerClass = params.labelsPerClass;
    const keepLabel = (i: number) => labelsPerClass === undefined || trainIndices[i] % samplesPerClass < labelsPerClass;
    const train = gatherSplit(table, trainIndices, keepLabel);
    const validationIndices = perClass(sizes.train, sizes.train + sizes.validation);
    const validation = validationIndices.length ? gatherSplit(table, validationIndices) : undefined;
    const test = gatherSplit(table, perClass(sizes.train + sizes.validation, samplesPerClass));
    const teacherTrain = labelsPerClass === undefined ? undefined : withAllLabels(train, table, trainIndices);

    if (params.multiLabel) return multiLabelDataset(params, table, { train, validation, test, teacherTrain }, { train: trainIndices, validation: validationIndices, test: perClass(sizes.train + sizes.validation, samplesPerClass) });
    const info = { inputShape: [numFeatures], numClasses };
    return { ...info, train, validation, test, teacherTrain, fingerprint: datasetFingerprint(info, { train, validation, test, teacherTrain }) };
  },
});

type Splits = { train: DataSplit; validation?: DataSplit; test: DataSplit; teacherTrain?: DataSplit };

/**
 * The same samples as a multi-label dataset: labels become 0 (labelled) or UNLABELED, and each split gets its
 * targets. A sample's targets are a function of its cluster, so a model can learn them from the inputs.
 */
function multiLabelDataset(p: ClusterParams, table: RowTable, splits: Splits, rows: { train: number[]; validation: number[]; test: number[] }): Dataset {
  const targetsOf = (indices: readonly number[]) => {
    const targets = new Float32Array(indices.length * p.numClasses);
    indices.forEach((row, i) => {
      const label = table.y[row];
      targets[i * p.numClasses + label] = 1;
      if (((row % p.samplesPerClass) % p.clustersPerClass) % 2 === 1) targets[i * p.numClasses + ((label + 1) % p.numClasses)] = 1;
    });
    return targets;
  };
  const multi = (split: DataSplit | undefined, indices: readonly number[]): DataSplit | undefined =>
    split && { x: split.x, y: Int32Array.from(split.y, (y) => (y === UNLABELED ? UNLABELED : 0)), count: split.count, targets: targetsOf(indices) };
  const converted = {
    train: multi(splits.train, rows.train)!,
    validation: multi(splits.validation, rows.validation),
    test: multi(splits.test, rows.test)!,
    teacherTrain: multi(splits.teacherTrain, rows.train),
  };
  const info = { inputShape: [p.numFeatures], numClasses: p.numClasses, task: 'multilabel' as const };
  return { ...info, ...converted, fingerprint: datasetFingerprint(info, converted) };
}

interface ClusterParams {
  readonly numFeatures: number;
  readonly numClasses: number;
  readonly clustersPerClass: number;
  readonly samplesPerClass: number;
  readonly separation: number;
  readonly clusterSpread: number;
  readonly seed: number;
}

/** All samples, class by class; sample i of a class belongs to cluster `i mod clustersPerClass`. */
function generate(p: ClusterParams): RowTable {
  const centres = seededRandom(deriveSeed(p.seed, 'centres'));
  const centre = Array.from({ length: p.numClasses * p.clustersPerClass }, () =>
    Float32Array.from({ length: p.numFeatures }, () => centres.normal() * p.separation),
  );
  const noise = seededRandom(deriveSeed(p.seed, 'samples'));
  const total = p.numClasses * p.samplesPerClass;
  const x = new Float32Array(total * p.numFeatures);
  const y = new Int32Array(total);
  for (let row = 0; row < total; row++) {
    const label = Math.floor(row / p.samplesPerClass);
    const mean = centre[label * p.clustersPerClass + ((row % p.samplesPerClass) % p.clustersPerClass)];
    for (let f = 0; f < p.numFeatures; f++) x[row * p.numFeatures + f] = mean[f] + noise.normal() * p.clusterSpread;
    y[row] = label;
  }
  return { x, y, width: p.numFeatures };
}
