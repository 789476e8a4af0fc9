// Every example manifest under experiments/ passes `distill validate` on the default backend: its structure, its
// plugins' checks, and a dry run of every layer of its teacher and student (the CNN example's ResNet and CNN on wasm).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './support/cli.js';

const examples = readdirSync(join(repoRoot, 'experiments')).filter((file) => file.endsWith('.json'));

describe('the example manifests', () => {
  it('include the CNN example', () => {
    expect(examples).toContain('mnist-cnn.json');
  });

  it('include the image-folder example (its validation reads the committed images)', () => {
    expect(examples).toContain('image-folder.json');
  });

  for (const file of examples) {
    it(`${file} validates`, async () => {
      const result = await runCli(['validate', `experiments/${file}`]);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^ok: /);
      expect(result.code).toBe(0);
    });
  }
});
