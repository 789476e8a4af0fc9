import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compatibleRange, runningCoreSatisfies, upgradeAdvice } from './core-compatibility.js';
import { definePlugin } from './define-plugin.js';

const running = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('core compatibility', () => {
  it('the same major shares the plugin API; below 1.0 the same minor', () => {
    expect(compatibleRange('1.4.2')).toBe('^1.0.0');
    expect(compatibleRange('0.3.1')).toBe('^0.3.0');
    expect(compatibleRange('0.3.1-beta.2')).toBe('^0.3.0');
    expect(compatibleRange('not a version')).toBeUndefined();
  });

  it('definePlugin stamps the version of the core that defines the plugin, which the running core accepts', () => {
    const plugin = definePlugin({ kind: 'scheduler', name: 'x', description: 'x', paramsSchema: { type: 'object' } as const, create: () => ({ learningRateAt: () => 1 }) });
    expect(plugin.coreVersion).toBe(running);
    expect(runningCoreSatisfies(compatibleRange(plugin.coreVersion!)!)).toBe(true);
    expect(runningCoreSatisfies('^99.0.0')).toBe(false);
  });

  it('advises upgrading distill for a newer range, updating the plugin for an older one', () => {
    expect(upgradeAdvice('^99.0.0')).toBe('upgrade distill in the project (npm install @distill/cli@"^99.0.0" @distill/core@"^99.0.0")');
    expect(upgradeAdvice('^0.0.1')).toMatch(/^update the plugin for @distill\/core \^0\.\d+\.0 /);
  });
});
