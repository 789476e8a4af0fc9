import { afterEach, describe, expect, it } from 'vitest';
import { PluginHost } from '../plugins/plugin-host.js';
import { ManifestError } from './manifest-error.js';
import { parseManifestText } from './parse-manifest-text.js';
import { validateManifest, type LoadedManifest } from './validate-manifest.js';
import { checkSemantics, hasSemanticChecks, type SemanticChecksContext } from './check-semantics.js';
import type { DistillModel } from '../plugins/model-plugin.js';
// Core is tested with its own small plugins; `hint` checks its layer names against the built models.
import toyPlugins from '../../../test/fixtures/plugins/toy-plugins.js';

const host = PluginHost.create([toyPlugins]);

const manifest = (hint: string) => `{
  "name": "toy",
  "dataset": { "type": "digits" },
  "teacher": { "type": "mlp", "params": { "hidden": [16, 12] } },
  "student": { "type": "mlp", "params": { "hidden": [4] } },
  "losses": [
    ${hint}
  ],
  "training": { "epochs": 1 }
}`;

// The models the checks ask for, built through the registries on first use (as a run's preparation builds them).
function lazyContext(loaded: LoadedManifest): SemanticChecksContext & { dispose(): void } {
  const { experiment } = loaded;
  const built: DistillModel[] = [];
  const dataset = once(() => host.registries.dataset.build(experiment.dataset.type, experiment.dataset.params, { manifestDir: '.', seed: 0, pointer: '/dataset' }));
  const model = (role: 'teacher' | 'student') =>
    once(async () => {
      const { inputShape, numClasses } = await dataset();
      const section = experiment[role]!;
      const made = await host.registries.model.build(section.type, section.params, { manifestDir: '.', seed: 0, pointer: `/${role}`, role, dataset: { inputShape, numClasses } });
      built.push(made);
      return made;
    });
  return { dataset, teacher: model('teacher'), student: model('student'), dispose: () => built.splice(0).forEach((m) => m.model.dispose()) };
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

let context: ReturnType<typeof lazyContext> | undefined;
afterEach(() => context?.dispose());

async function check(loaded: LoadedManifest): Promise<string[]> {
  context = lazyContext(loaded);
  try {
    await checkSemantics(loaded, host, context);
    return [];
  } catch (error) {
    if (error instanceof ManifestError) return error.message.split('\n');
    throw error;
  }
}

describe('checkSemantics', () => {
  it('passes when the plugins\' checks find nothing, building the models through the registries', async () => {
    const loaded = validateManifest(parseManifestText(manifest('{ "type": "hint", "params": { "teacherLayer": "hidden2", "studentLayer": "hidden1" } }'), 'x.json'), { host });
    expect(hasSemanticChecks(loaded, host)).toBe(true);
    expect(await check(loaded)).toEqual([]);
    expect((await context!.teacher()).model.getLayer('hidden2').outputShape).toEqual([null, 12]);
    expect((await context!.dataset()).numClasses).toBe(3);
  });

  it('reports each issue at <reference>/params<issue pointer>, with the plugin\'s hint', async () => {
    const loaded = validateManifest(parseManifestText(manifest('{ "type": "hint", "params": { "teacherLayer": "hiden2", "studentLayer": "hidden9" } }'), 'x.json'), { host });
    expect(await check(loaded)).toEqual([
      'x.json:7:51: /losses/0/params/teacherLayer: the teacher has no layer "hiden2"; hint: did you mean "hidden2"?',
      'x.json:7:77: /losses/0/params/studentLayer: the student has no layer "hidden9"; hint: did you mean "hidden1"?',
    ]);
  });

  it('places an issue in an overridden value at its --set flag', async () => {
    const text = manifest('{ "type": "hint", "params": { "teacherLayer": "hidden2", "studentLayer": "hidden1" } }');
    const loaded = validateManifest(parseManifestText(text, 'x.json'), { host, overrides: ['losses.0.params.teacherLayer=logits'] });
    expect(await check(loaded)).toEqual(['--set losses.0.params.teacherLayer=logits: /losses/0/params/teacherLayer: the teacher has no layer "logits"']);
  });

  it('builds nothing when no referenced plugin has a check', async () => {
    const loaded = validateManifest(parseManifestText(manifest('{ "type": "cross-entropy" }'), 'x.json'), { host });
    expect(hasSemanticChecks(loaded, host)).toBe(false);
    let built = false;
    const lazy = { teacher: () => ((built = true), Promise.reject(new Error('built'))), student: () => Promise.reject(new Error('built')), dataset: () => Promise.reject(new Error('built')) };
    await checkSemantics(loaded, host, lazy);
    expect(built).toBe(false);
  });
});
