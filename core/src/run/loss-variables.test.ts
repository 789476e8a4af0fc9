import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { PluginHost } from '../plugins/plugin-host.js';
import { pluginModule } from '../plugins/plugin-module.js';
import { definePlugin } from '../plugins/define-plugin.js';
import { parseManifestText } from '../manifest/parse-manifest-text.js';
import { validateManifest } from '../manifest/validate-manifest.js';
import { saveVariables } from '../io/model-files.js';
import { prepareRun } from './pipeline/prepare-run.js';
import { lossVariableEntries, restoreLossVariables, LOSS_VARIABLES } from './loss-variables.js';
import toyPlugins from '../../../test/fixtures/plugins/toy-plugins.js';

// A loss owning a variable of a shape its params set, filled with a value its params set.
const owner = definePlugin({
  kind: 'loss',
  name: 'owner',
  description: 'Owns a variable',
  paramsSchema: { type: 'object', properties: { rows: { type: 'integer', default: 2 }, fill: { type: 'number', default: 0 } }, additionalProperties: false } as const,
  create: (params) => {
    const variable = tf.variable(tf.fill([params.rows, 3], params.fill), true);
    return { requires: {}, variables: [variable], compute: ({ studentLogits }) => studentLogits.sum().mul(0) as tf.Scalar, dispose: () => variable.dispose() };
  },
});
const host = PluginHost.create([toyPlugins, pluginModule('loss-variables.test', [owner])]);

const prepare = (stages: unknown[]) =>
  prepareRun(
    validateManifest(parseManifestText(JSON.stringify({ name: 'v', dataset: { type: 'digits' }, teacher: { type: 'mlp' }, student: { type: 'mlp' }, training: { epochs: 1 }, stages }), 'v.json'), { host }),
    host,
  );

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('loss variables', () => {
  it('are saved under their stage and term, and restored into the losses of a run prepared again', async () => {
    const stages = (fill: number) => [{ name: 'first', losses: [{ type: 'owner', params: { fill } }] }, { name: 'second', losses: [{ type: 'owner', params: { rows: 1, fill } }] }];
    const trained = await prepare(stages(7));
    const entries = lossVariableEntries(trained);
    expect(entries.map((e) => [e.name.replace(/_\d+$/, ''), e.tensor.shape])).toEqual([
      [expect.stringMatching(/^first\/owner\//), [2, 3]],
      [expect.stringMatching(/^second\/owner\//), [1, 3]],
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'loss-variables-'));
    await saveVariables(entries, dir, LOSS_VARIABLES);
    trained.dispose();

    const resumed = await prepare(stages(0));
    expect(await restoreLossVariables(resumed, dir)).toBe(2);
    const values = [...resumed.terms.values()].map((t) => Array.from(t.loss.variables![0].dataSync()));
    expect(values).toEqual([[7, 7, 7, 7, 7, 7], [7, 7, 7]]);
    resumed.dispose();

    const other = await prepare([{ name: 'first', losses: [{ type: 'owner', params: { rows: 4 } }] }, { name: 'second', losses: [{ type: 'owner', params: { rows: 1 } }] }]);
    await expect(restoreLossVariables(other, dir)).rejects.toThrow(/has shape \[2, 3\], but first\/owner\/\S+ has \[4, 3\]/);
    other.dispose();
  });
});
