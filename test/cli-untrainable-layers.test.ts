// A model whose layers the chosen backend cannot train is refused before anything trains, by `distill validate` and
// by `distill run`, at the model's place in the manifest, naming the layer and the missing kernel (or tfjs's reason).
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

const manifest = 'test/fixtures/manifests/untrainable-student.json';
const place = `${manifest}:7:14: /student: `;
const einsumOnWasm = `${place}the student's layer "bilinear" (Bilinear) needs the kernel 'Einsum' to train, which the wasm backend does not have; hint: choose a backend that has it ("backend" in the manifest; docs/backends.md lists what each supports) or another layer type\n`;

describe('a layer the backend cannot train', () => {
  it('is refused by validate with the layer, its class and the kernel wasm lacks (exit 2)', async () => {
    const result = await runCli(['validate', manifest]);
    expect(result.stderr).toBe(einsumOnWasm);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
  });

  it("is refused with tfjs's reason when no backend can differentiate it (a dilated convolution)", async () => {
    const result = await runCli(['validate', manifest, '--set', 'student.params.layer=dilated']);
    expect(result.stderr).toMatch(/^test\/fixtures\/manifests\/untrainable-student\.json:7:14: \/student: the student's layer "atrous" \(Conv2D\) cannot train on the wasm backend: Error in gradient of .*dilation rates greater than 1 are not yet supported in gradients/);
    expect(result.code).toBe(2);
  });

  it('is checked on the backend the manifest names: cpu has einsum but not its gradient', async () => {
    const result = await runCli(['validate', manifest, '--set', 'backend=cpu']);
    expect(result.stderr).toBe(`${place}the student's layer "bilinear" (Bilinear) cannot train on the cpu backend: Cannot compute gradient: gradient function not found for Einsum.\n`);
    expect(result.code).toBe(2);
  });

  it('passes validate once the layer is one the backend trains', async () => {
    const result = await runCli(['validate', manifest, '--set', 'student.params.layer=dense']);
    expect(result.stdout).toBe('ok: untrainable-student: synthetic teacher mlp -> student odd-layer, losses kl-divergence, 1 epoch\n');
    expect(result.code).toBe(0);
  });

  it('is refused by run before a run directory exists (exit 2, nothing trained)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'untrainable-runs-'));
    const result = await runCli(['run', manifest, '--out', out, '--quiet']);
    expect(result.stderr).toBe(einsumOnWasm);
    expect(result.code).toBe(2);
    expect(readdirSync(out)).toEqual([]);
  });
});
