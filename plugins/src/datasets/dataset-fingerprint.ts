// A dataset's fingerprint: sha256 of its shape, classes and every split's bytes, so any change to the data changes it.
import { createHash } from 'node:crypto';
import type { DataSplit, DatasetInfo } from '@distill/core';

export function datasetFingerprint(info: DatasetInfo, splits: Readonly<Record<string, DataSplit | undefined>>): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ inputShape: info.inputShape, numClasses: info.numClasses, classNames: info.classNames ?? null }));
  for (const name of Object.keys(splits).sort()) {
    const split = splits[name];
    if (!split) continue;
    hash.update(`|${name}:${split.count}|`);
    hash.update(new Uint8Array(split.x.buffer, split.x.byteOffset, split.x.byteLength));
    hash.update(new Uint8Array(split.y.buffer, split.y.byteOffset, split.y.byteLength));
  }
  return hash.digest('hex');
}
