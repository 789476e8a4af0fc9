// Answers of a remote teacher kept on disk, keyed by a hash of everything that determines them (the endpoint, what is
// asked for, and the request's bytes): a run asks only for what no earlier run asked, and a failed run keeps what it
// got. An entry is written to a temporary file and renamed, so a crash never leaves half an entry; an entry that does
// not read back as expected is ignored (and asked for again).
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CachedResponse {
  readonly values: Float32Array;
  /** The model version the endpoint named when it answered, if it did. */
  readonly modelVersion?: string;
}

export class ResponseCache {
  constructor(private readonly dir: string | undefined) {}

  static key(identity: string, body: Uint8Array): string {
    return createHash('sha256').update(identity).update('\0').update(body).digest('hex');
  }

  async get(key: string, length: number): Promise<CachedResponse | undefined> {
    if (!this.dir) return undefined;
    const [meta, bytes] = await Promise.all([readFile(join(this.dir, `${key}.json`), 'utf8').catch(() => undefined), readFile(join(this.dir, `${key}.bin`)).catch(() => undefined)]);
    if (meta === undefined || bytes === undefined || bytes.length !== length * 4) return undefined;
    const values = new Float32Array(length);
    Buffer.from(values.buffer).set(bytes);
    try {
      const { modelVersion } = JSON.parse(meta) as { modelVersion?: unknown };
      return { values, ...(typeof modelVersion === 'string' ? { modelVersion } : {}) };
    } catch {
      return undefined;
    }
  }

  async put(key: string, response: CachedResponse): Promise<void> {
    if (!this.dir) return;
    await mkdir(this.dir, { recursive: true });
    const temporary = `.${key}.${process.pid}.${Date.now()}`;
    await writeFile(join(this.dir, `${temporary}.bin`), new Uint8Array(response.values.buffer, response.values.byteOffset, response.values.byteLength));
    await writeFile(join(this.dir, `${temporary}.json`), JSON.stringify({ modelVersion: response.modelVersion ?? null }));
    // The values first: an entry is whole once its .json exists.
    await rename(join(this.dir, `${temporary}.bin`), join(this.dir, `${key}.bin`));
    await rename(join(this.dir, `${temporary}.json`), join(this.dir, `${key}.json`));
  }
}
