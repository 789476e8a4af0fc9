// A dataset's fingerprint: sha256 of its shape, classes and every split's bytes (inputs, labels, and multi-label
// targets and ids when a split has them), so any change to the data changes it.
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
    for (const extra of [split.targets, split.ids]) if (extra) hash.update(new Uint8Array(extra.buffer, extra.byteOffset, extra.byteLength));
  }
  return hash.digest('hex');
}
