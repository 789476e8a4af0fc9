import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { CHECKPOINTS_DIR, checkpointName, listCheckpoints, loadCheckpoint, pruneCheckpoints, removeUnfinishedWrites, verifyCheckpoint, writeCheckpoint } from './checkpoint-files.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const runDir = () => mkdtempSync(join(tmpdir(), 'checkpoint-files-'));

describe('checkpoint files', () => {
  it('write atomically and read back the same values, non-finite numbers included, without leaking tensors', async () => {
    const dir = runDir();
    const before = tf.memory().numTensors;
    const weights = tf.tensor2d([[1.5, -2], [3.25, 1e-30]]);
    const iterations = tf.scalar(7, 'int32');
    await writeCheckpoint(dir, checkpointName(3), { stage: 'kd', lastValidation: { loss: Number.NaN, accuracy: 0.5 } }, [
      { name: 'model/student/0', tensor: weights },
      { name: 'optimizer/0/iter', tensor: iterations },
    ]);
    tf.dispose([weights, iterations]);
    expect(readdirSync(join(dir, CHECKPOINTS_DIR))).toEqual(['ckpt-000003']);

    const verified = verifyCheckpoint<{ stage: string; lastValidation: Record<string, number> }>(dir, 'ckpt-000003');
    expect(verified.meta.stage).toBe('kd');
    expect(verified.meta.lastValidation.loss).toBeNaN();
    expect(verified.meta.lastValidation.accuracy).toBe(0.5);
    const loaded = await loadCheckpoint(verified);
    expect(Array.from(loaded.tensors.get('model/student/0')!.dataSync())).toEqual([1.5, -2, 3.25, Math.fround(1e-30)]);
    expect(loaded.tensors.get('optimizer/0/iter')!.dtype).toBe('int32');
    tf.dispose([...loaded.tensors.values()]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuse a checkpoint whose file was truncated or whose checkpoint.json is torn', async () => {
    const dir = runDir();
    const tensor = tf.ones([4]);
    await writeCheckpoint(dir, checkpointName(1), {}, [{ name: 'a', tensor }]);
    await writeCheckpoint(dir, checkpointName(2), {}, [{ name: 'a', tensor }]);
    tensor.dispose();
    writeFileSync(join(dir, CHECKPOINTS_DIR, 'ckpt-000001', 'tensors.bin'), new Uint8Array(8));
    expect(() => verifyCheckpoint(dir, 'ckpt-000001')).toThrow('tensors.bin does not match its checksum (truncated or changed)');
    writeFileSync(join(dir, CHECKPOINTS_DIR, 'ckpt-000002', 'checkpoint.json'), '{"format":"distill-checkpoint","vers');
    expect(() => verifyCheckpoint(dir, 'ckpt-000002')).toThrow(/checkpoint.json is not valid JSON/);
  });

  it('keep the last K and the ones asked for, and drop what a killed write left', async () => {
    const dir = runDir();
    const tensor = tf.ones([1]);
    for (let i = 1; i <= 5; i++) await writeCheckpoint(dir, checkpointName(i), {}, [{ name: 'a', tensor }]);
    tensor.dispose();
    pruneCheckpoints(dir, 2, new Set(['ckpt-000002']));
    expect(listCheckpoints(dir)).toEqual(['ckpt-000002', 'ckpt-000004', 'ckpt-000005']);
    const unfinished = join(dir, CHECKPOINTS_DIR, '.tmp-ckpt-000006-123');
    writeFileSync(`${unfinished}`, 'partial');
    expect(listCheckpoints(dir)).toEqual(['ckpt-000002', 'ckpt-000004', 'ckpt-000005']);
    removeUnfinishedWrites(dir);
    expect(existsSync(unfinished)).toBe(false);
  });
});
