// What `run` builds before it trains — the dataset (checked against the dataset contract) and both models (loaded,
// their shapes compared with the data) — built by `validate` too, so that `ok` means the run will start. A plugin's
// refusal (a UserError: a missing model file, a teacher with the wrong number of classes) is reported at the place of
// its section in the manifest, as every other validation issue is.
import { isUserError } from '../errors.js';
import type { SemanticCheckContext } from '../plugins/semantic-check.js';
import { ManifestError } from './manifest-error.js';
import type { LoadedManifest } from './validate-manifest.js';

/** `build()`, with a plugin's refusal turned into a ManifestError at `pointer` (an internal error passes through). */
export async function buildPlaced<T>(loaded: LoadedManifest, pointer: string, build: () => Promise<T>): Promise<T> {
  try {
    return await build();
  } catch (error) {
    if (!isUserError(error) || error instanceof ManifestError) throw error;
    const [message, hint] = error.message.split('\n  hint: ');
    throw new ManifestError([loaded.issueAt(pointer, message, hint)]);
  }
}

/** Builds the dataset, then both models, reporting every refusal at once (a model cannot be built without data). */
export async function checkBuilds(loaded: LoadedManifest, context: SemanticCheckContext): Promise<void> {
  await buildPlaced(loaded, '/dataset', () => context.dataset());
  const issues = [];
  for (const role of ['teacher', 'student'] as const) {
    try {
      await buildPlaced(loaded, `/${role}`, () => context[role]());
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0) throw new ManifestError(issues);
}
