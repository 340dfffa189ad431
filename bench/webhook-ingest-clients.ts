/**
 * The HTTP clients of `bench/webhook-ingest.ts`, in a process of their own (forked by it), so that
 * the server's process has its CPU to itself — as it would with Stripe sending from elsewhere.
 * Driven over the IPC channel:
 *
 *   parent → { type: 'prepare', … }  builds and signs every request (warm-up and timed), opens C keep-alive connections
 *   child  → { type: 'ready' }
 *   parent → { type: 'warm-up' }      posts the warm-up events (warms the server's pool and JIT)
 *   child  → { type: 'warmed' }
 *   parent → { type: 'run' }          posts the timed events, C at a time
 *   child  → { type: 'done', measurement }   (or { type: 'error', message } at any step)
 *
 * Every answer must be HTTP 200 `{"received":true}`; anything else fails the run.
 */
import { createHmac } from 'node:crypto';
import net from 'node:net';
import { runConcurrently, type RunMeasurement } from './run-concurrently.js';

export interface PrepareMessage {
  type: 'prepare';
  url: string;
  secret: string;
  /** Unique per run: event, payment intent and booking ids are made from it. */
  run: string;
  creatorIds: string[];
  currency: string;
  warmUp: number;
  events: number;
  clients: number;
  label: string;
}

export type ParentMessage = PrepareMessage | { type: 'warm-up' } | { type: 'run' };

export type ChildMessage =
  | { type: 'ready'; signMs: number }
  | { type: 'warmed' }
  | { type: 'done'; measurement: RunMeasurement }
  | { type: 'error'; message: string };

/** `Stripe-Signature` as Stripe computes it: `t=<unix seconds>,v1=HMAC-SHA256(secret, "<t>.<body>")`. */
export function stripeSignature(body: string, secret: string, t = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

/** A `payment_intent.succeeded` event as Stripe sends it (the fields the handler reads, and a few more). */
export function paymentIntentSucceeded(run: string, index: number, creatorId: string, currency: string): string {
  const amount = 500 + ((index * 7919) % 99_500); // 5.00 … 999.99 EUR
  const created = Math.floor(Date.now() / 1000);
  return JSON.stringify({
    id: `evt_${run}_${index}`,
    object: 'event',
    api_version: '2025-01-27.acacia',
    type: 'payment_intent.succeeded',
    created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        id: `pi_${run}_${index}`,
        object: 'payment_intent',
        amount,
        amount_received: amount,
        currency,
        status: 'succeeded',
        created,
        latest_charge: `ch_${run}_${index}`,
        receipt_email: null,
        transfer_data: null,
        metadata: { creatorId, bookingId: `bk_${run}_${index}` },
      },
    },
  });
}

/**
 * One keep-alive HTTP/1.1 connection that sends prebuilt requests one at a time and reads each
 * answer (status line, headers, `Content-Length` body). Leaner than `node:http`'s client — the
 * load generator should not be what a 2-core machine spends its CPU on — and as strict: every
 * answer's status and body are checked; one without `Content-Length` fails the run (Fastify
 * always sends it).
 */
class Connection {
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (answer: { status: number; text: string }) => void; reject: (error: Error) => void } | undefined;
  private failed: Error | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      this.parse();
    });
    const fail = (error: Error) => {
      this.failed ??= error;
      this.waiting?.reject(error);
      this.waiting = undefined;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the server closed the connection')));
  }

  static open(url: URL): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: url.hostname, port: Number(url.port) }, () => {
        socket.off('error', reject);
        resolve(new Connection(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Send one request (its prebuilt bytes) and resolve with the answer. */
  request(bytes: Buffer): Promise<{ status: number; text: string }> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(bytes);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private parse(): void {
    const end = this.buffered.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buffered.toString('latin1', 0, end);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) {
      this.socket.destroy(new Error(`an answer without Content-Length: ${head}`));
      return;
    }
    const total = end + 4 + Number(length[1]);
    if (this.buffered.length < total) return;
    const answer = { status: Number(head.slice(9, 12)), text: this.buffered.toString('utf8', end + 4, total) };
    this.buffered = this.buffered.subarray(total);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(answer);
  }
}

/** Build and sign `count` events, each as the bytes of its whole HTTP request. */
function sign(prepare: PrepareMessage, url: URL, tag: string, count: number): Buffer[] {
  return Array.from({ length: count }, (_, index) => {
    const body = paymentIntentSucceeded(`${prepare.run}${tag}`, index, prepare.creatorIds[index % prepare.creatorIds.length]!, prepare.currency);
    const head =
      `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nStripe-Signature: ${stripeSignature(body, prepare.secret)}\r\n\r\n`;
    return Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(body, 'utf8')]);
  });
}

function main(): void {
  const send = (message: ChildMessage) => process.send?.(message);
  const abort = new AbortController();
  let prepared: { prepare: PrepareMessage; connections: Connection[]; warmUp: Buffer[]; timed: Buffer[] } | undefined;

  const postAll = (label: string, requests: Buffer[], progress: boolean) => {
    const { connections, prepare } = prepared!;
    // runConcurrently's C loops each hold one connection at a time; a free one is always there.
    const free = [...connections];
    return runConcurrently({
      label,
      count: requests.length,
      writers: prepare.clients,
      signal: abort.signal,
      progress: progress ? process.stderr : undefined,
      work: async (index) => {
        const connection = free.pop()!;
        try {
          const answer = await connection.request(requests[index]!);
          if (answer.status !== 200 || answer.text !== '{"received":true}') throw new Error(`event ${index}: HTTP ${answer.status} ${answer.text}`);
        } finally {
          free.push(connection);
        }
      },
    });
  };
  const closeAll = () => {
    for (const connection of prepared?.connections ?? []) connection.close();
  };

  const handle = async (message: ParentMessage): Promise<void> => {
    if (message.type === 'prepare') {
      const started = performance.now();
      const url = new URL(message.url);
      // Signed now, not while timed: a signature stays valid for Stripe's 5-minute tolerance.
      const warmUp = sign(message, url, 'w', message.warmUp);
      const timed = sign(message, url, '', message.events);
      const connections = await Promise.all(Array.from({ length: message.clients }, () => Connection.open(url)));
      prepared = { prepare: message, connections, warmUp, timed };
      send({ type: 'ready', signMs: performance.now() - started });
    } else if (message.type === 'warm-up') {
      await postAll(`${prepared!.prepare.label} warm-up`, prepared!.warmUp, false);
      send({ type: 'warmed' });
    } else {
      const measurement = await postAll(prepared!.prepare.label, prepared!.timed, true);
      closeAll();
      send({ type: 'done', measurement });
    }
  };

  process.on('message', (message: ParentMessage) => {
    handle(message).catch((error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
  });
  // The parent went away (finished, failed or interrupted): stop.
  process.on('disconnect', () => {
    abort.abort();
    closeAll();
    process.exit(0);
  });
  process.on('SIGINT', () => abort.abort());
}

if (process.send) main();
