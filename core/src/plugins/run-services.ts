// What a plugin built for a run may inject besides its params and build context, each under a typed token:
// the environment it may read (never `process.env` directly, so a trial or a test can give it another one), where
// its warnings go (the run's log: run.log and the terminal), where it declares the secrets it holds (masked from then
// on in everything distill writes or prints), and which run it is recording.
import { registerSecrets } from '../secrets/redact.js';

/** Where warnings go: a run's log, a sweep's reporter, stderr. One shape for everything that may warn. */
export interface WarnSink {
  warn(message: string): void;
}
export const WarnSink = Symbol.for('distill.WarnSink');

/** The environment variables a plugin may read. */
export type Environment = Readonly<Record<string, string | undefined>>;
export const Environment = Symbol.for('distill.Environment');

/**
 * Where a plugin declares a secret value it holds — a token read from the environment, a key from a URL: from then on
 * it is masked as `***` wherever text leaves the process (the terminal, the run's files, every tracker).
 */
export interface SecretSink {
  add(...secrets: readonly string[]): void;
}
export const SecretSink = Symbol.for('distill.SecretSink');

/** The process's one redaction: what every plugin's secrets go to unless a caller gives another sink. */
export const redactionSecrets: SecretSink = { add: (...secrets) => registerSecrets(...secrets) };

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
  readonly secrets: SecretSink;
  /** Given when the plugin is built for a run (trackers). */
  readonly run?: RunIdentity;
}

/** What the caller of a build provides; absent services get the defaults: `process.env`, stderr, the redaction. */
export interface RunServices {
  readonly environment?: Environment;
  readonly warnings?: WarnSink;
  readonly secrets?: SecretSink;
  readonly run?: RunIdentity;
}

/** Warnings written to stderr: what a plugin built outside a run (a test, `distill sync`) warns through. */
export const stderrWarnings: WarnSink = { warn: (message) => process.stderr.write(`warning: ${message}\n`) };
