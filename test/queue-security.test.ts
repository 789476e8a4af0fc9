// A queue job is untrusted input: anything that can write to Redis can queue one. These tests craft malicious jobs
// directly in a real Redis (BullMQ's Queue API, as an attacker with Redis access would) and hand them to a real
// `distill worker` process: plugin paths in the manifest, traversal run ids, teacher keys and file names, oversized
// and mis-hashed teacher payloads, environment variables. Each must be refused (or run with the worker's own plugins
// only) without importing code and without creating or removing anything outside the worker's run and cache folders.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from './setup/redis-server.js';
import { smallExperiment } from './support/cli.js';
import { killWorkers, startWorker } from './support/worker-process.js';

const QUEUE = 'distill-trials';
const TEACHER_KEY = 'a'.repeat(32);

let redis: RedisServer;
let queue: Queue;
let events: QueueEvents;
/** Everything the test creates lives here; nothing else may appear in it. */
let root: string;
let victim: string;
let pluginDir: string;
let marker: string;
let cache: string;
let out: string;

beforeAll(async () => {
  redis = await RedisServer.start();
  const connection = { host: '127.0.0.1', port: redis.port };
  queue = new Queue(QUEUE, { connection });
  events = new QueueEvents(QUEUE, { connection });
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  // Playing the coordinator's part for the trial that runs: every epoch report is answered `continue`.
  const client = await queue.client;
  events.on('progress', ({ jobId, data }) => {
    const progress = data as { type: string; seq?: number };
    if (progress.type === 'epoch') void client.set(`distill:decision:${jobId}:${progress.seq}`, 'continue');
  });
  root = mkdtempSync(join(tmpdir(), 'queue-security-'));
  victim = join(root, 'victim');
  mkdirSync(victim);
  writeFileSync(join(victim, 'keep.txt'), 'precious');
  // A plugin module that leaves a marker file when it is imported: it must never be.
  pluginDir = join(root, 'project');
  mkdirSync(pluginDir);
  marker = join(root, 'IMPORTED');
  writeFileSync(join(pluginDir, 'evil.mjs'), `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'code ran');\nexport default [];\n`);
  cache = join(root, 'worker', 'cache');
  out = join(root, 'worker', 'runs');
  mkdirSync(cache, { recursive: true });
  mkdirSync(out, { recursive: true });
  const worker = startWorker(redis.url, { cache, out, extra: ['--max-teacher-mb', '1'] });
  await worker.waitFor(/waiting for trials/);
}, 120_000);

afterAll(async () => {
  killWorkers();
  await Promise.all([queue?.close(), events?.close()]);
  await redis?.stop();
});

/** A well-formed trial task; each test breaks one thing in it. */
function task(runId: string, manifest: Record<string, unknown> = smallExperiment({ training: { epochs: 1, batchSize: 32 } })) {
  return {
    sweepId: 'attack',
    trial: 1,
    runId,
    manifest,
    manifestFile: join(pluginDir, 'manifest.json'),
    plugins: [],
    outDir: root,
    trainingCacheDir: root,
    tags: {},
    tracking: { type: 'local', params: {}, chosenBy: 'default' },
  };
}

/** Adds the job and waits for its end: the result, or the reason it failed and how many attempts it took. */
async function submit(jobId: string, data: Record<string, unknown>): Promise<{ result?: { status: string }; failed?: string; attempts: number }> {
  const job = await queue.add('trial', data, { jobId, attempts: 3 });
  try {
    const result = await job.waitUntilFinished(events, 120_000);
    return { result, attempts: (await queue.getJob(jobId))!.attemptsMade };
  } catch (error) {
    return { failed: (error as Error).message, attempts: (await queue.getJob(jobId))!.attemptsMade };
  }
}

/** Publishes files as a coordinator would (a hash named after their sha256), or under `name` when given. */
async function publish(files: Record<string, Buffer>, name?: string): Promise<string> {
  const hash = createHash('sha256');
  for (const file of Object.keys(files).sort()) hash.update(`${file}\0${files[file].length}\0`).update(files[file]);
  const digest = hash.digest('hex');
  const client = await queue.client;
  await client.hset(`distill:teacher:${name ?? digest}`, Object.fromEntries(Object.entries(files).map(([file, bytes]) => [file, bytes.toString('base64')])));
  return digest;
}

function expectNothingOutside(): void {
  expect(existsSync(marker)).toBe(false);
  expect(readdirSync(root).sort()).toEqual(['project', 'victim', 'worker']);
  expect(readdirSync(join(root, 'worker')).sort()).toEqual(['cache', 'runs']);
  expect(readFileSync(join(victim, 'keep.txt'), 'utf8')).toBe('precious');
  // Only entries the worker trained itself (for the trial that ran), under their content keys.
  const teachers = existsSync(join(cache, 'teachers')) ? readdirSync(join(cache, 'teachers')) : [];
  expect(teachers.filter((entry) => !/^[0-9a-f]{32}$/.test(entry) || entry === TEACHER_KEY)).toEqual([]);
}

const teacherFiles = () => ({ 'model.json': Buffer.from('{"format":"layers-model"}'), 'weights.bin': Buffer.alloc(64, 7) });

describe('a distill worker given malicious jobs', () => {
  it('never imports the plugins a job\'s manifest lists: the trial runs with the worker\'s own plugins', async () => {
    const manifest = { ...smallExperiment({ training: { epochs: 1, batchSize: 32 } }), plugins: ['./evil.mjs'] };
    const { result, failed } = await submit('plugin-path', { task: task('plugin-path', manifest), requires: [] });
    expect(failed).toBeUndefined();
    expect(result!.status).toBe('FINISHED');
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses, without retrying, a job needing a plugin the worker lacks, and imports nothing', async () => {
    const requires = [{ kind: 'loss', name: 'evil-loss', source: './evil.mjs', version: '1.0.0' }];
    const { failed, attempts } = await submit('plugin-required', { task: task('plugin-required'), requires });
    expect(failed).toMatch(/^worker \S+ lacks the loss plugin "evil-loss" \(from \.\/evil\.mjs@1\.0\.0\)$/);
    expect(attempts).toBe(1);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a run id that is a path', async () => {
    const { failed, attempts } = await submit('../../escaped', { task: task('../../escaped'), requires: [] });
    expect(failed).toMatch(/^worker \S+ refused job "\.\.\/\.\.\/escaped": the job id "\.\.\/\.\.\/escaped" is not a run id/);
    expect(attempts).toBe(1);
    expectNothingOutside();
  });

  it('refuses environment variables, and tracker params its tracker does not accept', async () => {
    const base = task('env-injection');
    const data = { task: { ...base, tracking: { ...base.tracking, env: { GIT_TRACE: join(root, 'trace'), MLFLOW_EXPERIMENT_NAME: 'x' } } }, requires: [] };
    const { failed } = await submit('env-injection', data);
    expect(failed).toMatch(/refused job "env-injection": \/task\/tracking: unexpected key "env"/);
    const params = { task: { ...task('params-injection'), tracking: { type: 'mlflow', params: { trackingUri: 'http://127.0.0.1:9', command: 'x' }, chosenBy: 'manifest' } }, requires: [] };
    const refused = await submit('params-injection', params);
    expect(refused.failed).toMatch(/refuses the trial's tracking: invalid params for tracker "mlflow": \/tracking\/params\/command: unknown key "command"/);
    expect(existsSync(join(root, 'trace'))).toBe(false);
    expectNothingOutside();
  });

  it('refuses a teacher key that is a path, and removes nothing', async () => {
    const digest = await publish(teacherFiles());
    const key = '../../../victim';
    await publish(teacherFiles(), key);
    const { failed } = await submit('teacher-key', { task: task('teacher-key'), requires: [], teacher: { key, digest } });
    expect(failed).toMatch(/refused job "teacher-key": \/teacher\/key: must match pattern/);
    expectNothingOutside();
  });

  it('refuses teacher file names that are paths, and writes nothing', async () => {
    const digest = await publish({ ...teacherFiles(), '../../../../escaped.mjs': Buffer.from('export default [];') });
    const { failed } = await submit('teacher-file', { task: task('teacher-file'), requires: [], teacher: { key: TEACHER_KEY, digest } });
    expect(failed).toMatch(/the shared teacher [0-9a-f]{64} has file names that are not plain names: "\.\.\/\.\.\/\.\.\/\.\.\/escaped\.mjs"/);
    expectNothingOutside();
  });

  it('refuses a teacher larger than --max-teacher-mb before downloading it', async () => {
    const digest = await publish({ ...teacherFiles(), 'weights.bin': Buffer.alloc(1536 * 1024, 1) });
    const { failed } = await submit('teacher-size', { task: task('teacher-size'), requires: [], teacher: { key: TEACHER_KEY, digest } });
    expect(failed).toMatch(/the shared teacher [0-9a-f]{64} is 1\.5 MB, more than this worker accepts \(1\.0 MB; --max-teacher-mb\)/);
    expectNothingOutside();
  });

  it('refuses a teacher whose files do not hash to its name', async () => {
    const name = 'b'.repeat(64);
    await publish(teacherFiles(), name);
    const { failed } = await submit('teacher-digest', { task: task('teacher-digest'), requires: [], teacher: { key: TEACHER_KEY, digest: name } });
    expect(failed).toMatch(new RegExp(`the shared teacher fetched from Redis does not hash to its name \\([0-9a-f]{64} ≠ ${name}\\)`));
    expectNothingOutside();
  });
});
