// globalSetup of the e2e project: one real MLflow server (from PyPI, in .venv-mlflow/) for the whole run.
// Tests read its URI with `inject('mlflowUri')`; fault tests start their own instances with MlflowServer.start().
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { MlflowServer, MLFLOW_VERSION, ensureMlflowVenv } from './mlflow-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>` of the shared MLflow server. */
    mlflowUri: string;
    /** The virtualenv's python, with `mlflow` importable (for readback scripts). */
    mlflowPython: string;
    mlflowVersion: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const venv = ensureMlflowVenv((line) => process.stderr.write(`[mlflow] ${line}\n`));
  const started = Date.now();
  const server = await MlflowServer.start();
  process.stderr.write(`[mlflow] server ${MLFLOW_VERSION} on ${server.uri} (healthy after ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  project.provide('mlflowUri', server.uri);
  project.provide('mlflowPython', venv.python);
  project.provide('mlflowVersion', MLFLOW_VERSION);
  return async () => {
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  };
}
