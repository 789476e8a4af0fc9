// @distill/plugins: the built-in plugins, contributed through one container module exactly as a third-party package would.
import { pluginModule, type PluginDefinition } from '@distill/core';
import { createRequire } from 'node:module';
import mnist from './datasets/mnist.js';
import synthetic from './datasets/synthetic.js';
import csv from './datasets/csv.js';
import text from './datasets/text.js';
import spamAssassin from './datasets/spam-assassin.js';
import imageFolder from './datasets/image-folder.js';
import mlp from './models/mlp.js';
import cnn from './models/cnn.js';
import resnet from './models/resnet.js';
import tfjsModel from './models/tfjs-model.js';
import embeddingBag from './models/embedding-bag.js';
import textCnn from './models/text-cnn.js';
import teacherPredictions from './teachers/teacher-predictions.js';
import httpTeacher from './teachers/http-teacher.js';
import graphModel from './teachers/graph-model.js';
import klDivergence from './losses/kl-divergence.js';
import crossEntropy from './losses/cross-entropy.js';
import featureMse from './losses/feature-mse.js';
import binaryCrossEntropy from './losses/binary-cross-entropy.js';
import attentionTransfer from './losses/methods/attention-transfer.js';
import fitnets from './losses/methods/fitnets.js';
import pkt from './losses/methods/pkt.js';
import rkd from './losses/methods/rkd.js';
import similarityPreserving from './losses/methods/similarity-preserving.js';
import dkd from './losses/methods/dkd.js';
import crd from './losses/methods/crd.js';
import adam from './optimizers/adam.js';
import sgd from './optimizers/sgd.js';
import rmsprop from './optimizers/rmsprop.js';
import constant from './schedulers/constant.js';
import step from './schedulers/step.js';
import exponential from './schedulers/exponential.js';
import cosine from './schedulers/cosine.js';
import mlflowTracker from './trackers/mlflow.js';
import { localTracker } from './trackers/local.js';
import word from './tokenizers/word.js';
import charNgram from './tokenizers/char-ngram.js';
import randomCrop from './augmentations/random-crop.js';
import horizontalFlip from './augmentations/horizontal-flip.js';
import randomShift from './augmentations/random-shift.js';
import gaussianNoise from './augmentations/gaussian-noise.js';
import mixup from './augmentations/mixup.js';
import cutmix from './augmentations/cutmix.js';

const { name, version } = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

export const builtinPlugins: PluginDefinition[] = [
  ...[mnist, synthetic, csv, text, spamAssassin, imageFolder],
  ...[mlp, cnn, resnet, tfjsModel, embeddingBag, textCnn],
  ...[teacherPredictions, httpTeacher, graphModel],
  ...[klDivergence, crossEntropy, featureMse, binaryCrossEntropy],
  ...[attentionTransfer, fitnets, pkt, rkd, similarityPreserving, dkd, crd],
  ...[adam, sgd, rmsprop],
  ...[constant, step, exponential, cosine],
  localTracker,
  mlflowTracker,
  word,
  charNgram,
  ...[randomCrop, horizontalFlip, randomShift, gaussianNoise, mixup, cutmix],
];

export default pluginModule(`${name}@${version}`, builtinPlugins, version);
