// `distill worker --queue redis://…`: runs trials of queue sweeps (`distill sweep --queue`) pulled from Redis, each
// in its own child process, until stopped. The first SIGTERM/Ctrl-C stops taking trials and lets the running ones
// finish; a second one ends them at once without completing their jobs, so BullMQ hands them to another worker.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { TrainingCache } from '../run/cache/training-cache.js';
import { reachRedis, redactedUrl, redisConnection } from '../sweep/queue/redis-connection.js';
import { DEFAULT_MAX_TEACHER_BYTES } from '../sweep/queue/teacher-transfer.js';
import { TrialWorker } from '../sweep/queue/trial-worker.js';
import { collect, positiveInteger } from './option-parsers.js';
import { handleInterrupts } from './interrupts.js';

interface WorkerOptions {
  queue: string;
  concurrency?: number;
  out: string;
  plugin: string[];
  maxTeacherMb: number;
}

export function register(command: Command): void {
  command
    .requiredOption('--queue <url>', 'the Redis the sweeps use: redis://[user:password@]host:6379[/db], or rediss://… for TLS')
    .option('--concurrency <n>', 'trials at once, each in its own process (default: the CPU cores)', positiveInteger)
    .option('--out <dir>', 'directory that receives the trials\' run directories', 'runs')
    .option('--plugin <specifier>', 'load a plugin module or package for the trials (repeatable); a worker never loads plugins a job names', collect, [])
    .option('--max-teacher-mb <n>', 'refuse a shared teacher larger than this from Redis', positiveInteger, DEFAULT_MAX_TEACHER_BYTES / 1024 / 1024)
    .action(async (options: WorkerOptions) => {
      process.exitCode = await workerCommand(options);
    });
}

async function workerCommand(options: WorkerOptions): Promise<number> {
  const log = (line: string) => process.stderr.write(`[worker] ${line}\n`);
  const concurrency = options.concurrency ?? availableParallelism();
  await reachRedis(options.queue);
  const worker = new TrialWorker({
    connection: redisConnection(options.queue),
    concurrency,
    outDir: resolve(options.out),
    plugins: options.plugin.map((p) => (p.startsWith('.') ? resolve(p) : p)),
    trainingCache: new TrainingCache(resolve(TrainingCache.fromEnvironment().root)),
    maxTeacherBytes: options.maxTeacherMb * 1024 * 1024,
    log,
  });
  await worker.ready();
  log(`pid ${process.pid}: waiting for trials on ${redactedUrl(options.queue)}, ${concurrency} at a time, runs in ${resolve(options.out)}`);
  await new Promise<void>((done) => {
    handleInterrupts([
      () => {
        log('stopping: no new trials; waiting for the running ones to finish (signal again to hand them back)');
        void worker.close().then(done);
      },
      () => {
        log('handing the running trials back to the queue');
        worker.forceStop();
        process.exit(130);
      },
    ]);
  });
  log('stopped');
  return 0;
}
