// `distill init plugin --kind teacher`: a teacher source giving precomputed logits per sample id from a JSON file, and
// a test that writes a small file and checks what it predicts.
import type { PluginNames } from '../plugin-names.js';
import type { PluginTemplate } from './plugin-template.js';

export function teacherTemplate(n: PluginNames): PluginTemplate {
  const plugin = `// The \`${n.name}\` teacher: logits computed elsewhere (another framework, another team), one row per sample id, read from
// a JSON file {"logits": [[...], ...]}. Scaffolded by \`distill init plugin --kind teacher\`.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { definePlugin, UserError, type TeacherSource } from '@distill/core';

const paramsSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1, description: 'The JSON file of logits, one row per sample id, relative to the manifest.' },
  },
  required: ['path'],
  additionalProperties: false,
} as const;

export default definePlugin({
  kind: 'teacher',
  name: '${n.name}',
  description: 'Precomputed teacher logits, one row per sample id, from a JSON file.',
  paramsSchema,
  create: (params, context): TeacherSource => {
    const text = readFileSync(resolve(context.manifestDir, params.path), 'utf8');
    const rows = (JSON.parse(text) as { logits: number[][] }).logits;
    const classes = context.dataset?.numClasses ?? rows[0]?.length;
    if (!Array.isArray(rows) || rows.some((row) => row.length !== classes)) {
      throw new UserError(\`\${params.path}: expected {"logits": [[...], ...]} with \${classes} values per row\`);
    }
    return {
      outputs: 'logits',
      // By sample id: the inputs are not needed, only which samples the batch holds.
      predict: async ({ sampleIds }) => {
        const ids = Array.from(await sampleIds.data());
        const missing = ids.find((id) => rows[id] === undefined);
        if (missing !== undefined) throw new Error(\`\${params.path} has no logits for sample id \${missing}\`);
        return { logits: tf.tensor2d(ids.map((id) => rows[id]), [ids.length, classes]), features: {} };
      },
      describe: () => ({ file: params.path, sha256: createHash('sha256').update(text).digest('hex') }),
    };
  },
});
`;
  const test = `// Tests of the \`${n.name}\` teacher: built from params as a run builds it, asked for a batch by sample ids.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPlugin, initBackend } from '@distill/core';
import plugin from './${n.name}.js';

const logits = [[1, 0, -1], [0, 2, 0], [-1, 0, 3]];

function logitsFile(): string {
  const dir = mkdtempSync(join(tmpdir(), '${n.name}-'));
  writeFileSync(join(dir, 'logits.json'), JSON.stringify({ logits }));
  return dir;
}

beforeAll(async () => {
  await initBackend('cpu');
});

describe('${n.name} teacher', () => {
  it('gives the rows of the batch\\'s sample ids, in the batch\\'s order', async () => {
    const teacher = await buildPlugin(plugin, { path: 'logits.json' }, { manifestDir: logitsFile(), dataset: { inputShape: [4], numClasses: 3 } });
    const out = await teacher.predict({ inputs: tf.zeros([2, 4]), sampleIds: tf.tensor1d([2, 0], 'int32') }, []);
    expect(await out.logits!.array()).toEqual([logits[2], logits[0]]);
    expect(teacher.describe().sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('says which sample id it has no logits for', async () => {
    const teacher = await buildPlugin(plugin, { path: 'logits.json' }, { manifestDir: logitsFile(), dataset: { inputShape: [4], numClasses: 3 } });
    await expect(teacher.predict({ inputs: tf.zeros([1, 4]), sampleIds: tf.tensor1d([7], 'int32') }, [])).rejects.toThrow('no logits for sample id 7');
  });
});
`;
  return { plugin, test, usage: `"teacher": { "type": "${n.name}", "params": { "path": "teacher-logits.json" } }` };
}
