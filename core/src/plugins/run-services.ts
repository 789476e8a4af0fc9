// What a plugin built for a run may inject besides its params and build context, each under a typed token:
// the environment it may read (never `process.env` directly, so a trial or a test can give it another one), where
// its warnings go (the run's log: run.log and the terminal), and which run it is recording.

/** Where warnings go: a run's log, a sweep's reporter, stderr. One shape for everything that may warn. */
export interface WarnSink {
  warn(message: string): void;
}
export const WarnSink = Symbol.for('distill.WarnSink');

/** The environment variables a plugin may read. */
export type Environment = Readonly<Record<string, string | undefined>>;
export const Environment = Symbol.for('distill.Environment');

/** The run a tracker records. */
export interface RunIdentity {
  readonly runId: string;
  readonly runDir: string;
  /** The experiment's name. */
  readonly name: string;
}
export const RunIdentity = Symbol.for('distill.RunIdentity');

/** What a factory plugin's `create` gets as its third argument (class plugins inject the tokens). */
export interface ResolvedRunServices {
  readonly environment: Environment;
  readonly warnings: WarnSink;
  /** Given when the plugin is built for a run (trackers). */
  readonly run?: RunIdentity;
}

/** What the caller of a build provides; absent services get the defaults: `process.env` and stderr. */
export interface RunServices {
  readonly environment?: Environment;
  readonly warnings?: WarnSink;
  readonly run?: RunIdentity;
}

/** Warnings written to stderr: what a plugin built outside a run (a test, `distill sync`) warns through. */
export const stderrWarnings: WarnSink = { warn: (message) => process.stderr.write(`warning: ${message}\n`) };
