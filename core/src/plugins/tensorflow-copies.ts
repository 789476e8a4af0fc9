// Two copies of TensorFlow.js in one process break training without an error that says so: a tensor made by one copy
// is not a tensor to the other's ops, gradients or layers. A plugin that imports a copy other than distill's (a
// globally installed distill running a project with its own tfjs, a package that brings its own) is refused.
import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { displayPath } from '../display-path.js';

const TFJS = '@tensorflow/tfjs';

export interface TensorflowCopy {
  /** The package folder. */
  readonly dir: string;
  readonly version?: string;
}

/** The copy of @tensorflow/tfjs distill runs with. */
export function distillTensorflow(): TensorflowCopy | undefined {
  return tensorflowFrom(import.meta.url);
}

/**
 * The copy of @tensorflow/tfjs that `file` imported, when it is not distill's: it resolves to another installation and
 * that installation has been loaded (a plugin that does not import tfjs brings no second copy into the process).
 */
export function secondTensorflow(file: string): TensorflowCopy | undefined {
  const ours = distillTensorflow();
  const theirs = tensorflowFrom(file);
  if (!ours || !theirs || theirs.dir === ours.dir) return undefined;
  return loaded(theirs.main) ? theirs : undefined;
}

/** The error for plugin module `file` (`described`: its label and origin) when it loaded a second copy, naming both. */
export function secondTensorflowRefusal(file: string, described: string): UserError | undefined {
  const theirs = secondTensorflow(file);
  if (!theirs) return undefined;
  const shown = (copy: TensorflowCopy | undefined) => (copy ? `${displayPath(copy.dir)}${copy.version ? ` (${copy.version})` : ''}` : 'its own copy');
  return new UserError(
    `plugin module ${described} uses a second copy of TensorFlow.js: it imports ${shown(theirs)}, distill runs with ${shown(distillTensorflow())}; tensors of one copy are not tensors to the other`,
    { hint: "run the distill installed in the plugin's project (npx distill there, with @distill/cli in its dependencies), or remove one copy so that both resolve to one installation (npm dedupe)" },
  );
}

function tensorflowFrom(from: string): (TensorflowCopy & { readonly main: string }) | undefined {
  try {
    const main = realpathSync(createRequire(from).resolve(TFJS));
    const manifest = createRequire(from).resolve(`${TFJS}/package.json`);
    const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
    return { dir: realpathSync(dirname(manifest)), main, ...(version ? { version } : {}) };
  } catch {
    return undefined;
  }
}

// tfjs's Node entry is CommonJS: importing it, from ES modules too, puts it in the CommonJS module cache.
function loaded(main: string): boolean {
  return main in createRequire(join(dirname(main), 'package.json')).cache;
}
