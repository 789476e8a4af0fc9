// Deploying workers safely: Redis with an ACL user and a password, over TLS (`rediss://`). A real redis-server with
// `--requirepass`, an ACL user and a TLS port (certificates made here with openssl, trusted through
// NODE_EXTRA_CA_CERTS) runs a queue sweep end to end; wrong credentials stop a worker at start, in one line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './setup/mlflow-server.js';
import { RedisServer } from './setup/redis-server.js';
import { runCli, smallExperiment, writeManifest } from './support/cli.js';
import { killWorkers, startWorker } from './support/worker-process.js';

const ADMIN_PASSWORD = 'admin-s3cret';
const WORKER_PASSWORD = 'w0rker-s3cret';

let redis: RedisServer;
let tlsPort: number;
let certs: string;

/** A CA and a server certificate for `localhost`, signed by it. */
function makeCertificates(dir: string): void {
  const openssl = (...args: string[]) => {
    const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.error?.message ?? result.stderr}`);
  };
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=distill test CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost\n');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext');
}

beforeAll(async () => {
  certs = mkdtempSync(join(tmpdir(), 'redis-tls-'));
  makeCertificates(certs);
  tlsPort = await freePort();
  redis = await RedisServer.start({
    args: [
      '--requirepass', ADMIN_PASSWORD,
      '--user', 'worker', 'on', `>${WORKER_PASSWORD}`, '~*', '&*', '+@all',
      '--tls-port', String(tlsPort),
      '--tls-cert-file', join(certs, 'server.pem'),
      '--tls-key-file', join(certs, 'server.key'),
      '--tls-ca-cert-file', join(certs, 'ca.pem'),
      '--tls-auth-clients', 'no',
    ],
  });
}, 60_000);

afterEach(killWorkers);
afterAll(() => redis?.stop());

describe('queue sweeps on a Redis that requires credentials', () => {
  it('a worker given a wrong password stops at start with one line and exit 2, without the password', async () => {
    const worker = startWorker(`redis://worker:not-the-password@127.0.0.1:${redis.port}`);
    expect(await worker.exited).toBe(2);
    expect(worker.log()).toMatch(/Redis at redis:\/\/worker:\*\*\*@127\.0\.0\.1:\d+ refused the credentials: WRONGPASS/);
    expect(worker.log()).not.toContain('not-the-password');
    expect(worker.log()).not.toMatch(/\n\s+at /);
  });

  it('a worker without credentials is refused too', async () => {
    const worker = startWorker(`redis://127.0.0.1:${redis.port}`);
    expect(await worker.exited).toBe(2);
    expect(worker.log()).toMatch(/refused the credentials: NOAUTH/);
  });

  it('a plain redis:// client on the TLS port is told it cannot reach Redis, naming rediss://', async () => {
    const worker = startWorker(`redis://worker:${WORKER_PASSWORD}@localhost:${tlsPort}`);
    expect(await worker.exited).toBe(2);
    expect(worker.log()).toMatch(/cannot reach Redis at redis:\/\/worker:\*\*\*@localhost:\d+: [\s\S]*redis:\/\/ or rediss:\/\//);
  });

  it('runs a sweep over TLS as an ACL user: coordinator and worker both on rediss://', async () => {
    const url = `rediss://worker:${WORKER_PASSWORD}@localhost:${tlsPort}`;
    const env = { NODE_EXTRA_CA_CERTS: join(certs, 'ca.pem') };
    const worker = startWorker(url, { env });
    await worker.waitFor(/waiting for trials on rediss:\/\/worker:\*\*\*@localhost/);
    const out = mkdtempSync(join(tmpdir(), 'queue-tls-'));
    const manifest = writeManifest({ ...smallExperiment(), name: 'queue-tls', sweep: { parameters: { 'losses.0.params.temperature': { values: [2] } } } });
    const result = await runCli(['sweep', manifest, '--queue', url, '--out', out], { env: { ...env, DISTILL_CACHE_DIR: mkdtempSync(join(tmpdir(), 'coordinator-cache-')) } });
    expect(result.code, result.stderr).toBe(0);
    const [sweepDir] = readdirSync(out);
    const sweep = JSON.parse(readFileSync(join(out, sweepDir, 'sweep.json'), 'utf8')) as { trials: { status: string }[] };
    expect(sweep.trials.map((t) => t.status)).toEqual(['finished']);
    expect(worker.log()).toMatch(/trial 1 FINISHED/);
    expect(`${result.stdout}${result.stderr}${worker.log()}`).not.toContain(WORKER_PASSWORD);
  });
});
