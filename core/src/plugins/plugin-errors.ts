// What goes wrong with plugins as registered: two with one name, one half made, a name nobody registered.
import type { PluginKind } from './plugin-kind.js';
import { suggestion } from './did-you-mean.js';

export class PluginConflictError extends Error {
  constructor(kind: PluginKind, name: string, first: string, second: string) {
    super(`two ${kind} plugins are named "${name}": one from ${first}, one from ${second}; rename one of them`);
    this.name = 'PluginConflictError';
  }
}

/** A contribution (through a package's own ContainerModule) that is not a usable plugin definition. */
export class MalformedPluginError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedPluginError';
  }
}

/** A plugin defined with a @distill/core whose plugin API differs from the running one's. */
export class IncompatiblePluginError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncompatiblePluginError';
  }
}

export class UnknownPluginError extends Error {
  constructor(readonly kind: PluginKind, readonly requested: string, readonly known: readonly string[]) {
    super(`unknown ${kind} "${requested}"; ${suggestion(requested, known)}`);
    this.name = 'UnknownPluginError';
  }
}
