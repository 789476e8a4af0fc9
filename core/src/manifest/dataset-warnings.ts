// Settings that are valid but probably not what was meant, found once the dataset is built; `run` logs them and
// `validate` prints them (it still says ok: the run will start). Today: `labelsPerClass` (the datasets that hide labels
// from the student) above what a class has in the training pool, so that class has no unlabelled transfer samples.
import { isSampleSource, type Dataset } from '../plugins/dataset-plugin.js';
import type { ResolvedExperiment } from './resolved-experiment.js';

export function datasetWarnings(experiment: ResolvedExperiment, dataset: Dataset): string[] {
  const labelsPerClass = (experiment.dataset.params as { labelsPerClass?: unknown } | undefined)?.labelsPerClass;
  const pool = dataset.teacherTrain;
  // Multi-label samples have no single class to count.
  if (typeof labelsPerClass !== 'number' || !pool || isSampleSource(pool) || dataset.task === 'multilabel') return [];
  const counts = new Array<number>(dataset.numClasses).fill(0);
  for (let i = 0; i < pool.count; i++) if (pool.y[i] >= 0 && pool.y[i] < counts.length) counts[pool.y[i]]++;
  const short = counts.map((count, c) => [c, count] as const).filter(([, count]) => count < labelsPerClass);
  if (short.length === 0) return [];
  const name = (c: number) => dataset.classNames?.[c] ?? String(c);
  const listed = short.slice(0, 5).map(([c, count]) => `${name(c)} (${count})`).join(', ');
  return [
    `/dataset/params/labelsPerClass: ${labelsPerClass} is more than the training pool has of ${short.length === 1 ? 'class' : `${short.length} classes:`} ${listed}${short.length > 5 ? ', …' : ''}; ` +
      'every sample of those keeps its label and the student has no unlabelled transfer samples of them',
  ];
}
