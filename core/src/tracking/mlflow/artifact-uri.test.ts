import { describe, expect, it } from 'vitest';
import { artifactPathToUrl, resolveArtifactRoot } from './artifact-uri.js';

describe('resolveArtifactRoot (mlflow_artifacts_repo.resolve_uri)', () => {
  it('resolves mlflow-artifacts:/ against the tracking server', () => {
    expect(resolveArtifactRoot('mlflow-artifacts:/1/abc/artifacts', 'http://127.0.0.1:5000'))
      .toBe('http://127.0.0.1:5000/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts');
  });

  it('keeps a path prefix of the tracking URI', () => {
    expect(resolveArtifactRoot('mlflow-artifacts:/1/abc/artifacts', 'https://h/mlflow'))
      .toBe('https://h/mlflow/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts');
  });

  it('uses the host named in mlflow-artifacts://host:port/...', () => {
    expect(resolveArtifactRoot('mlflow-artifacts://other:6000/7/r/artifacts', 'http://127.0.0.1:5000'))
      .toBe('http://other:6000/api/2.0/mlflow-artifacts/artifacts/7/r/artifacts');
  });

  it('refuses artifact roots distill cannot reach over HTTP, saying how to fix the server', () => {
    expect(() => resolveArtifactRoot('file:///srv/mlruns/1/abc/artifacts', 'http://h:5000')).toThrow(/artifact serving/);
    expect(() => resolveArtifactRoot('s3://bucket/x', 'http://h:5000')).toThrow(/cannot reach/);
  });
});

describe('artifactPathToUrl', () => {
  it('keeps directory structure and encodes each segment', () => {
    expect(artifactPathToUrl('http://h/root', 'student/model weights.bin')).toBe('http://h/root/student/model%20weights.bin');
  });

  it('refuses paths that leave the run', () => {
    expect(() => artifactPathToUrl('http://h/root', '../x')).toThrow(/invalid artifact path/);
  });
});
