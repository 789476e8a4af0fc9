// A plugin's refusal while the run is prepared (a UserError: a missing model file, a teacher with the wrong number of
// classes) is reported at the place of its section in the manifest, as every other validation issue is — by `run` and
// by `validate`, which prepare the run the same way.
import { isUserError } from '../errors.js';
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
