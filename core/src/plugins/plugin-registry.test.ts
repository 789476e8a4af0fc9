import { describe, expect, it } from 'vitest';
import { ContainerModule, inject } from 'inversify';
import { MalformedPluginError } from './plugin-errors.js';
import { PLUGIN_TOKENS } from './plugin-tokens.js';
import { PluginHost } from './plugin-host.js';
import { pluginModule } from './plugin-module.js';
import { definePlugin } from './define-plugin.js';
import { PluginParams, BuildContext } from './build-context.js';
import type { LearningRateSchedule } from './scheduler-plugin.js';
import { SecretSink } from './run-services.js';
import { redact } from '../secrets/redact.js';

const context: BuildContext = { manifestDir: '/tmp', seed: 1, pointer: '/scheduler' };

const halving = definePlugin({
  kind: 'scheduler',
  name: 'halving',
  description: 'halves the learning rate every epoch',
  paramsSchema: { type: 'object', properties: { floor: { type: 'number', default: 0 } }, additionalProperties: false } as const,
  create: (params) => ({
    learningRateAt: (step, c) => Math.max(params.floor, c.baseLearningRate / 2 ** Math.floor(step / c.stepsPerEpoch)),
  }),
});

class FixedRate implements LearningRateSchedule {
  constructor(
    @inject(PluginParams) private readonly params: { rate: number },
    @inject(BuildContext) readonly context: BuildContext,
  ) {}
  learningRateAt(): number {
    return this.params.rate;
  }
}

const fixed = definePlugin({
  kind: 'scheduler',
  name: 'fixed',
  description: 'a fixed rate',
  paramsSchema: { type: 'object', properties: { rate: { type: 'number' } }, required: ['rate'], additionalProperties: false } as const,
  implementation: FixedRate,
});

describe('plugin registry', () => {
  it('builds a factory plugin with its params bound in a child container', async () => {
    const host = PluginHost.create([pluginModule('test-a', [halving])]);
    const schedule = await host.registries.scheduler.build('halving', { floor: 0.1 }, context);
    expect(schedule.learningRateAt(25, { baseLearningRate: 1, stepsPerEpoch: 10, totalSteps: 100 })).toBe(0.25);
    expect(schedule.learningRateAt(95, { baseLearningRate: 1, stepsPerEpoch: 10, totalSteps: 100 })).toBe(0.1);
  });

  it('gives a plugin the secret sink: the caller\'s, else the process\'s redaction', async () => {
    const holding = definePlugin({
      kind: 'scheduler',
      name: 'holding',
      description: 'reads a token from its environment and declares it',
      paramsSchema: { type: 'object', properties: {}, additionalProperties: false } as const,
      create: (_params, _context, { environment, secrets }) => {
        secrets.add(environment.SCHEDULE_BEARER!);
        return { learningRateAt: () => 0.1 };
      },
    });
    const host = PluginHost.create([pluginModule('test', [holding])]);
    const declared: string[] = [];
    const sink: SecretSink = { add: (...values) => declared.push(...values) };
    await host.registries.scheduler.build('holding', {}, context, { environment: { SCHEDULE_BEARER: 'given-sink-4411' }, secrets: sink });
    expect(declared).toEqual(['given-sink-4411']);
    expect(redact('token given-sink-4411')).toBe('token given-sink-4411');
    await host.registries.scheduler.build('holding', {}, context, { environment: { SCHEDULE_BEARER: 'default-sink-9020' } });
    expect(redact('token default-sink-9020')).toBe('token ***');
  });

  it('builds a class plugin through constructor injection', async () => {
    const host = PluginHost.create([pluginModule('test-a', [fixed])]);
    const schedule = (await host.registries.scheduler.build('fixed', { rate: 0.5 }, context)) as FixedRate;
    expect(schedule.learningRateAt()).toBe(0.5);
    expect(schedule.context.pointer).toBe('/scheduler');
  });

  it('fails loudly on a duplicate name, naming both sources', () => {
    const copy = { ...halving };
    expect(() => PluginHost.create([pluginModule('package-one', [halving]), pluginModule('package-two', [copy])])).toThrow(
      'two scheduler plugins are named "halving": one from package-one, one from package-two',
    );
  });

  it('refuses a contribution that is not a complete definition, or is bound to another kind, naming its source', () => {
    const { create: _create, ...halfMade } = halving;
    expect(() => PluginHost.create([pluginModule('package-one', [halfMade as unknown as typeof halving])])).toThrow(
      new MalformedPluginError('scheduler "halving" from package-one is not a complete plugin definition: missing create (a function) or implementation (a class)'),
    );
    const misfiled = new ContainerModule(({ bind }) => void bind(PLUGIN_TOKENS.loss).toConstantValue({ ...halving, source: 'package-two' }));
    expect(() => PluginHost.create([misfiled])).toThrow(new MalformedPluginError('plugin "halving" from package-two declares kind "scheduler" but was contributed as a loss'));
  });

  it('suggests the nearest name for an unknown plugin', () => {
    const host = PluginHost.create([pluginModule('test-a', [halving, fixed])]);
    expect(() => host.registries.scheduler.get('halvign')).toThrow('unknown scheduler "halvign"; did you mean "halving"? valid: fixed, halving');
  });
});
