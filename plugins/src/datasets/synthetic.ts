// The `synthetic` dataset: seeded Gaussian clusters, a few per class, for tests and quick demos.
import { definePlugin, deriveSeed, seededRandom, shuffledIndices, UserError, type Dataset } from '@distill/core';
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

    const info = { inputShape: [numFeatures], numClasses };
    return { ...info, train, validation, test, teacherTrain, fingerprint: datasetFingerprint(info, { train, validation, test, teacherTrain }) };
  },
});

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
