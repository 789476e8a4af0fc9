import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OPTIMIZER_UPDATES_WASM } from './optimizer-updates-module.js';

const script = fileURLToPath(new URL('../../../../scripts/build-wasm-optimizer-kernels.mjs', import.meta.url));

describe('the fused optimizer updates module', () => {
  it('is what its generator compiles now (fresh)', () => {
    expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it('is valid WebAssembly that imports a memory and exports every update', () => {
    const module = new WebAssembly.Module(Buffer.from(OPTIMIZER_UPDATES_WASM, 'base64'));
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    expect(WebAssembly.Module.exports(module).map((e) => e.name).sort()).toEqual(['adam', 'momentum', 'nesterov', 'rmsprop', 'rmspropCentered']);
  });
});
