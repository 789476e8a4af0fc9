import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

describe('generated manifest types', () => {
  it('core/src/manifest/generated/experiment.ts is what core/schemas/experiment.schema.json generates (else: npm run generate:types)', async () => {
    const { generateExperimentTypes } = (await import('../../../scripts/generate-types.mjs')) as { generateExperimentTypes: () => Promise<string> };
    const committed = await readFile(new URL('./generated/experiment.ts', import.meta.url), 'utf8');
    expect(committed).toBe(await generateExperimentTypes());
  });
});
