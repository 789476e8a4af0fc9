// globalSetup of the e2e project: one real MLflow server (from PyPI, in .venv-mlflow/) and one real Redis server
// (Debian's redis-server) for the whole run, started in parallel. Tests read `inject('mlflowUri')` / `inject('redisUrl')`.
// Debian's chromium, which the report tests drive, is installed when missing.
// Tests read its URI with `inject('mlflowUri')`; fault tests start their own instances with MlflowServer.start().
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { MlflowServer, MLFLOW_VERSION, ensureMlflowVenv } from './mlflow-server.js';
import { RedisServer, ensureRedisServer } from './redis-server.js';
import { ensureChromium } from './chromium.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>` of the shared MLflow server. */
    mlflowUri: string;
    /** The virtualenv's python, with `mlflow` importable (for readback scripts). */
    mlflowPython: string;
    mlflowVersion: string;
    /** `redis://127.0.0.1:<port>` of the shared Redis server. */
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureRedisServer((line) => process.stderr.write(`[redis] ${line}\n`));
  ensureChromium((line) => process.stderr.write(`[chromium] ${line}\n`));
  const venv = ensureMlflowVenv((line) => process.stderr.write(`[mlflow] ${line}\n`));
  const started = Date.now();
  const [server, redis] = await Promise.all([MlflowServer.start(), RedisServer.start()]);
  process.stderr.write(`[redis] server on ${redis.url}\n`);
  project.provide('redisUrl', redis.url);
  process.stderr.write(`[mlflow] server ${MLFLOW_VERSION} on ${server.uri} (healthy after ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  project.provide('mlflowUri', server.uri);
  project.provide('mlflowPython', venv.python);
  project.provide('mlflowVersion', MLFLOW_VERSION);
  return async () => {
    await Promise.all([server.stop(), redis.stop()]);
    rmSync(redis.dataDir, { recursive: true, force: true });
    rmSync(server.dataDir, { recursive: true, force: true });
  };
}
