import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a request was for, by its path: the columns of the per-instance split. */
export const requestCategories = ['webhooks', 'payments', 'payout-requests', 'admin', 'cron', 'tokens', 'other'] as const;
export type RequestCategory = (typeof requestCategories)[number];

export function categoryOf(method: string, path: string): RequestCategory {
  if (path.startsWith('/api/webhooks/') || path === '/api/payments/webhook') return 'webhooks';
  if (path.startsWith('/api/cron/')) return 'cron';
  if (path.startsWith('/api/admin/')) return 'admin';
  if (path === '/api/auth/tokens') return 'tokens';
  if (method === 'POST' && path === '/api/payments') return 'payments';
  if (path.startsWith('/api/payouts')) return 'payout-requests';
  return 'other';
}

interface Upstream {
  name: string;
  /** Where it listens now; undefined while out of rotation (stopped, restarting, draining). */
  url: URL | undefined;
  agent: http.Agent;
  /** Requests sent to it and not answered yet. */
  inFlight: number;
}

export interface ProxyFigures {
  /** Requests each instance answered (a response reached the proxy), by category. */
  answered: Record<string, Record<RequestCategory, number>>;
  /** Requests sent again to another instance because the first never received them (refused connection, idle socket closed under it). */
  failovers: number;
  /** Requests answered 502 by the proxy: the instance took the request and gave no answer (the client cannot know whether it ran). */
  badGateway: number;
  /** Requests answered 503 by the proxy: no instance in rotation. */
  noUpstream: number;
}

/**
 * A small HTTP load balancer for the multi-instance test and bench (node:http): round-robin over
 * the instances in rotation, `X-Forwarded-For` appended (the instances run with
 * `TRUST_PROXY=loopback`), `X-Served-By: <instance>` added to every answer so a caller can
 * attribute work, and requests counted per instance and category.
 *
 * Like a real load balancer it sends a request to another instance only when the first provably
 * never received it — a refused connection, or a reused keep-alive socket the instance closed
 * before reading (Node's `reusedSocket` case) — and answers 502 otherwise, leaving the retry to the
 * client (Stripe retries webhooks; the driver retries what is idempotent). Bodies are buffered
 * (the API's bodies are small) so a failover can replay them.
 */
export class RoundRobinProxy {
  readonly url: string;
  private readonly upstreams: Upstream[];
  private next = 0;
  private readonly figures: ProxyFigures;

  private constructor(
    private readonly server: http.Server,
    names: readonly string[],
  ) {
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.upstreams = names.map((name) => ({ name, url: undefined, agent: new http.Agent({ keepAlive: true, maxSockets: 64 }), inFlight: 0 }));
    this.figures = {
      answered: Object.fromEntries(names.map((name) => [name, Object.fromEntries(requestCategories.map((c) => [c, 0])) as Record<RequestCategory, number>])),
      failovers: 0,
      badGateway: 0,
      noUpstream: 0,
    };
    server.on('request', (request, response) => this.handle(request, response));
  }

  /** Listen on a free loopback port; no instance is in rotation until `register`. */
  static async start(names: readonly string[]): Promise<RoundRobinProxy> {
    const server = http.createServer({ keepAliveTimeout: 60_000 });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new RoundRobinProxy(server, names);
  }

  /** Put an instance (back) in rotation at this URL. */
  register(name: string, url: string): void {
    const upstream = this.upstream(name);
    upstream.agent.destroy();
    upstream.agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    upstream.url = new URL(url);
  }

  /** Take an instance out of rotation: no new request goes to it; those in flight finish. */
  deregister(name: string): void {
    this.upstream(name).url = undefined;
  }

  /**
   * Deregister, then wait until the requests in flight to the instance are answered, at most
   * `timeoutMs` (a load balancer's deregistration delay): what a rolling update does before it
   * stops the instance. Resolves with how long it waited and what was still in flight.
   */
  async drain(name: string, timeoutMs: number): Promise<{ waitedMs: number; leftInFlight: number }> {
    const upstream = this.upstream(name);
    upstream.url = undefined;
    const started = performance.now();
    while (upstream.inFlight > 0 && performance.now() - started < timeoutMs) await new Promise((resolve) => setTimeout(resolve, 50));
    return { waitedMs: Math.round(performance.now() - started), leftInFlight: upstream.inFlight };
  }

  counts(): ProxyFigures {
    return structuredClone(this.figures);
  }

  async close(): Promise<void> {
    for (const upstream of this.upstreams) upstream.agent.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private upstream(name: string): Upstream {
    const upstream = this.upstreams.find((u) => u.name === name);
    if (!upstream) throw new Error(`no instance named ${name}`);
    return upstream;
  }

  /** The next instance in rotation that has not been tried for this request. */
  private pick(tried: ReadonlySet<string>): Upstream | undefined {
    for (let i = 0; i < this.upstreams.length; i++) {
      const candidate = this.upstreams[(this.next + i) % this.upstreams.length]!;
      if (candidate.url && !tried.has(candidate.name)) {
        this.next = (this.next + i + 1) % this.upstreams.length;
        return candidate;
      }
    }
    return undefined;
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('error', () => response.destroy());
    request.on('end', () => this.forward(request, Buffer.concat(chunks), response, new Set()));
  }

  private forward(request: http.IncomingMessage, body: Buffer, response: http.ServerResponse, tried: Set<string>): void {
    const upstream = this.pick(tried);
    if (!upstream?.url) {
      this.figures.noUpstream++;
      reply(response, 503, 'NO_UPSTREAM', 'No instance is in rotation');
      return;
    }
    tried.add(upstream.name);
    const headers = { ...request.headers };
    for (const hop of ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']) delete headers[hop];
    const client = request.socket.remoteAddress ?? '127.0.0.1';
    headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${String(headers['x-forwarded-for'])}, ${client}` : client;
    headers['x-forwarded-proto'] = 'http';
    headers['content-length'] = String(body.length);
    const path = request.url ?? '/';
    upstream.inFlight++;
    let settled = false;
    const settle = () => {
      if (!settled) upstream.inFlight--;
      settled = true;
    };
    const outgoing = http.request(
      { host: upstream.url.hostname, port: upstream.url.port, method: request.method, path, headers, agent: upstream.agent },
      (answer) => {
        this.figures.answered[upstream.name]![categoryOf(request.method ?? 'GET', path.split('?')[0]!)]++;
        const answerHeaders: http.OutgoingHttpHeaders = { ...answer.headers, 'x-served-by': upstream.name };
        delete answerHeaders.connection;
        delete answerHeaders['keep-alive'];
        response.writeHead(answer.statusCode ?? 502, answerHeaders);
        answer.pipe(response);
        answer.on('end', settle);
        answer.on('close', settle);
        answer.on('error', () => response.destroy());
      },
    );
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      settle();
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const neverReceived = error.code === 'ECONNREFUSED' || ((error.code === 'ECONNRESET' || error.code === 'EPIPE') && outgoing.reusedSocket);
      if (neverReceived) {
        this.figures.failovers++;
        this.forward(request, body, response, tried);
        return;
      }
      this.figures.badGateway++;
      reply(response, 502, 'BAD_GATEWAY', `Instance ${upstream.name} gave no answer: ${error.code ?? error.message}`);
    });
    outgoing.end(body);
  }
}

function reply(response: http.ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify({ error: { code, message } }));
}
