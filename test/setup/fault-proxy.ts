// A loopback HTTP proxy in front of an MLflow server that misbehaves on demand: answers 503 or 429 (with
// Retry-After), drops the connection before or after forwarding, holds requests back, or passes them through.
// It records what it saw so tests can tell that faults really happened.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string }
  /** Close the connection without an answer; the server never sees the request. */
  | { readonly kind: 'drop' }
  /** Forward the request, then close the connection instead of answering: the server did the work, the client never hears. */
  | { readonly kind: 'drop-response' }
  /** Hold requests back until `count` of them have arrived, then forward them together. */
  | { readonly kind: 'gate'; readonly count: number }
  /** Forward after `ms` milliseconds. */
  | { readonly kind: 'delay'; readonly ms: number };

export interface FaultRule {
  readonly fault: Fault;
  /** Requests this rule still applies to (default: unlimited while `until` allows). */
  remaining: number;
  /** Epoch ms after which the rule stops (default: never). */
  readonly until: number;
  readonly match: (method: string, path: string) => boolean;
}

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly fault?: Fault['kind'];
}

export class FaultProxy {
  readonly seen: SeenRequest[] = [];
  private rules: FaultRule[] = [];
  private readonly gates = new Map<FaultRule, Array<() => void>>();

  private constructor(
    private readonly server: Server,
    private readonly targetPort: number,
    private readonly scheme: 'http' | 'https',
  ) {}

  /** With `tls`, the proxy speaks HTTPS (with that key and certificate) to its clients. */
  static async start(targetUri: string, options: { tls?: { key: string; cert: string } } = {}): Promise<FaultProxy> {
    const target = new URL(targetUri);
    let proxy: FaultProxy | undefined;
    const handler = (req: IncomingMessage, res: ServerResponse) => void proxy!.handle(req, res);
    const server: Server = options.tls ? createTlsServer(options.tls, handler) : createServer(handler);
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new FaultProxy(server, Number(target.port), options.tls ? 'https' : 'http');
    return proxy;
  }

  get uri(): string {
    return `${this.scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Applies `fault` to the next `count` matching requests and/or for `forMs` milliseconds. */
  inject(fault: Fault, options: { count?: number; forMs?: number; match?: (method: string, path: string) => boolean } = {}): void {
    this.rules.push({
      fault,
      remaining: options.count ?? Number.POSITIVE_INFINITY,
      until: options.forMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.forMs,
      match: options.match ?? (() => true),
    });
  }

  clear(): void {
    this.rules = [];
  }

  faultsOf(kind: Fault['kind']): number {
    return this.seen.filter((request) => request.fault === kind).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private takeRule(method: string, path: string): FaultRule | undefined {
    const now = Date.now();
    this.rules = this.rules.filter((rule) => rule.remaining > 0 && rule.until > now);
    const rule = this.rules.find((candidate) => candidate.match(method, path));
    if (rule) rule.remaining--;
    return rule;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const rule = this.takeRule(method, path);
    const fault = rule?.fault;
    this.seen.push({ method, path, headers: req.headers, fault: fault?.kind });
    switch (fault?.kind) {
      case 'status': {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
        const code = fault.status === 429 ? 'RESOURCE_EXHAUSTED' : 'TEMPORARILY_UNAVAILABLE';
        res.writeHead(fault.status, headers).end(JSON.stringify({ error_code: code, message: `fault proxy: ${fault.status}` }));
        return;
      }
      case 'drop':
        req.socket.destroy();
        return;
      case 'drop-response':
        await this.forward(req, body).catch(() => undefined);
        req.socket.destroy();
        return;
      case 'gate':
        await this.passGate(rule!, fault.count);
        break;
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        break;
    }
    try {
      const upstream = await this.forward(req, body);
      res.writeHead(upstream.status, upstream.headers).end(upstream.body);
    } catch {
      req.socket.destroy(); // upstream down: the client sees a dropped connection, as it would without the proxy
    }
  }

  private passGate(rule: FaultRule, count: number): Promise<void> {
    const waiting = this.gates.get(rule) ?? [];
    this.gates.set(rule, waiting);
    return new Promise((resolve) => {
      waiting.push(resolve);
      if (waiting.length >= count) waiting.splice(0).forEach((release) => release());
    });
  }

  private forward(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: `127.0.0.1:${this.targetPort}` };
      const upstream = httpRequest({ host: '127.0.0.1', port: this.targetPort, method: req.method, path: req.url, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const out: Record<string, string | string[]> = {};
          for (const [key, value] of Object.entries(response.headers)) if (value !== undefined && key !== 'transfer-encoding' && key !== 'connection') out[key] = value;
          resolve({ status: response.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
        });
        response.on('error', reject);
      });
      upstream.on('error', reject);
      upstream.end(body);
    });
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
