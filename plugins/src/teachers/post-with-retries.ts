// One POST to a remote teacher, as a careful client makes it: a timeout per attempt, an answer no larger than a bound
// (checked while it streams in, not after), and retries with exponential backoff on what may pass (429, 5xx, a
// timeout, a dropped connection), honouring Retry-After up to a cap. Anything else fails at once.

export interface RetryPolicy {
  readonly timeoutMs: number;
  readonly retries: number;
  readonly backoffMs: number;
  readonly maxResponseBytes: number;
}

export interface PostResult {
  readonly body: unknown;
  readonly headers: Headers;
}

/** Why a request finally failed, with the attempts it took. */
export class RequestFailure extends Error {
  constructor(message: string, readonly attempts: number) {
    super(message);
  }
}

const RETRY_AFTER_CAP_MS = 30_000;

export async function postWithRetries(url: string, body: Uint8Array, headers: Record<string, string>, policy: RetryPolicy): Promise<PostResult> {
  let last = '';
  for (let attempt = 0; attempt <= policy.retries; attempt++) {
    let wait = policy.backoffMs * 2 ** attempt;
    try {
      const response = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(policy.timeoutMs), redirect: 'error' });
      if (response.ok) return { body: await readJson(response, policy.maxResponseBytes), headers: response.headers };
      const excerpt = (await readText(response, 2048).catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, 200);
      last = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${excerpt ? `: ${excerpt}` : ''}`;
      if (response.status !== 429 && response.status < 500) throw new RequestFailure(last, attempt + 1);
      wait = Math.max(wait, retryAfterMs(response.headers.get('retry-after')));
    } catch (error) {
      if (error instanceof RequestFailure) throw error;
      if (error instanceof AnswerError) throw new RequestFailure(error.message, attempt + 1);
      last = (error as Error).name === 'TimeoutError' ? `no answer within ${policy.timeoutMs} ms` : `${(error as Error).message}${causeOf(error)}`;
    }
    if (attempt < policy.retries) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  throw new RequestFailure(last, policy.retries + 1);
}

/** A usable HTTP answer whose body is not: never retried. */
class AnswerError extends Error {}

async function readJson(response: Response, maxBytes: number): Promise<unknown> {
  const type = response.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) throw new AnswerError(`the answer is ${type || 'untyped'}, not application/json`);
  const text = await readText(response, maxBytes);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AnswerError(`the answer is not valid JSON: ${(error as Error).message}`);
  }
}

/** The body as text, refused as soon as it passes `maxBytes`. */
async function readText(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new AnswerError(`the answer is ${declared} bytes, more than maxResponseBytes (${maxBytes})`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  if (!reader) return '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new AnswerError(`the answer is more than maxResponseBytes (${maxBytes}) bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function retryAfterMs(header: string | null): number {
  if (!header) return 0;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), RETRY_AFTER_CAP_MS) : 0;
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause ? ` (${cause.code ?? cause.message})` : '';
}
