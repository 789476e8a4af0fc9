// Where a run's artifacts are reached over HTTP. A server that serves artifacts (the default, `--serve-artifacts`)
// gives runs an `mlflow-artifacts:` URI, which MLflow's client resolves against the tracking server
// (mlflow/store/artifact/mlflow_artifacts_repo.py): `mlflow-artifacts:/1/abc/artifacts` with tracking
// `http://h:5000/prefix` -> `http://h:5000/prefix/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts`.
import { UserError } from '../../errors.js';

const ARTIFACTS_API = '/api/2.0/mlflow-artifacts/artifacts';

export function resolveArtifactRoot(artifactUri: string, trackingUri: string): string {
  const tracking = new URL(trackingUri);
  if (artifactUri.startsWith('mlflow-artifacts:')) {
    const rest = artifactUri.slice('mlflow-artifacts:'.length);
    let host = tracking.host;
    let path = rest;
    if (rest.startsWith('//')) {
      const slash = rest.indexOf('/', 2);
      host = slash === -1 ? rest.slice(2) : rest.slice(2, slash);
      path = slash === -1 ? '' : rest.slice(slash);
      if (!host) host = tracking.host;
    }
    const joined = `${tracking.pathname}/${ARTIFACTS_API}/${path}`.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
    return `${tracking.protocol}//${host}${joined}`;
  }
  if (/^https?:\/\//.test(artifactUri)) return artifactUri.replace(/\/+$/, '');
  throw new UserError(
    `this MLflow server stores run artifacts at "${artifactUri}", which distill cannot reach over HTTP`,
    { hint: 'start `mlflow server` with artifact serving (the default; do not pass --no-serve-artifacts or a non-proxied --default-artifact-root)' },
  );
}

/** `student/model.json` -> `student/model.json` with each segment URL-encoded; rejects paths that leave the root. */
export function artifactPathToUrl(root: string, relativePath: string): string {
  const segments = relativePath.split(/[\\/]+/).filter((segment) => segment !== '' && segment !== '.');
  if (segments.length === 0 || segments.includes('..')) throw new Error(`invalid artifact path "${relativePath}"`);
  return `${root}/${segments.map(encodeURIComponent).join('/')}`;
}
