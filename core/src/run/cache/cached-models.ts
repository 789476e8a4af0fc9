// The teacher stage (and the baseline) through the cache of trained models: train and store on a miss, load the
// stored weights on a hit. The keys come from cache-keys.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StageResult } from '../../training/train-stage.js';
import type { DistillModel } from '../../plugins/model-plugin.js';
import { loadModelFiles, saveModelFiles } from '../../io/model-files.js';
import type { TrainingCache } from './training-cache.js';

/** The trained model under `key`: trained by `train` and stored on a miss, its weights loaded into `model` on a hit. */
export async function obtainTrainedModel(
  cache: TrainingCache,
  kind: 'teachers' | 'baselines',
  key: string,
  model: DistillModel,
  train: () => Promise<StageResult>,
): Promise<{ dir: string; built: boolean; key: string; result?: StageResult }> {
  let result: StageResult | undefined;
  const { dir, built } = await cache.obtain(kind, key, async (staging) => {
    result = await train();
    await saveModelFiles(model.model, staging);
    if (kind === 'baselines') writeFileSync(join(staging, STAGE_FILE), `${JSON.stringify(result)}\n`);
  });
  if (!built) {
    const stored = await loadModelFiles(join(dir, 'model.json'));
    model.model.setWeights(stored.getWeights());
    stored.dispose();
    // A cached baseline brings the stage's record (its steps and validation); a cached teacher stage did not run.
    if (kind === 'baselines') result = JSON.parse(readFileSync(join(dir, STAGE_FILE), 'utf8')) as StageResult;
  }
  return { dir, built, key, ...(result ? { result } : {}) };
}

const STAGE_FILE = 'stage.json';
