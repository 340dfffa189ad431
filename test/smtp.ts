import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedEmail {
  to: string;
  from: string;
  subject: string;
  messageId: string;
  html: string;
  text: string;
  headers: Map<string, unknown>;
  /** A header's value as sent, e.g. `List-Unsubscribe`. */
  header(name: string): string | undefined;
}

export interface TestSmtpServer {
  /** `smtp://127.0.0.1:<port>` — what SMTP_URL would say. */
  url: string;
  port: number;
  received: ReceivedEmail[];
  /** Refuse the next `count` messages with this SMTP reply code (e.g. 550 permanent, 451 temporary). */
  refuseNext(count: number, code: number, message?: string): void;
  /** Stop listening (the server is "down") and start again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Resolves once `count` emails have been received in total. */
  waitForCount(count: number, timeoutMs?: number): Promise<ReceivedEmail[]>;
  close(): Promise<void>;
}

/**
 * A real SMTP server (`smtp-server`) on a loopback port for tests and benches: no auth, no TLS,
 * every accepted message parsed (`mailparser`) into `received`.
 */
export async function startTestSmtpServer(options: { port?: number; parse?: boolean } = {}): Promise<TestSmtpServer> {
  const received: ReceivedEmail[] = [];
  let refusals: { left: number; code: number; message: string } = { left: 0, code: 0, message: '' };
  const waiters: { count: number; resolve: () => void }[] = [];
  const parse = options.parse ?? true;
  let acceptedCount = 0;

  const notify = () => {
    for (const waiter of [...waiters]) {
      if (acceptedCount >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };

  const makeServer = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 10 * 1024 * 1024,
      // stop() drops the pool's idle connections at once instead of waiting 30 s for them.
      closeTimeout: 50,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (refusals.left > 0) {
            refusals.left -= 1;
            const error = new Error(refusals.message) as Error & { responseCode: number };
            error.responseCode = refusals.code;
            callback(error);
            return;
          }
          const raw = Buffer.concat(chunks);
          const store = async () => {
            if (parse) {
              const mail: ParsedMail = await simpleParser(raw);
              received.push(toReceived(mail));
            } else {
              received.push({ to: '', from: '', subject: '', messageId: '', html: '', text: '', headers: new Map(), header: () => undefined });
            }
            acceptedCount += 1;
          };
          store().then(
            () => {
              callback();
              notify();
            },
            (error: unknown) => callback(error as Error),
          );
        });
      },
    });

  let server = makeServer();
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port));
    });
  const port = await listen(options.port ?? 0);
  const closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    refuseNext(count, code, message = code >= 500 ? 'Mailbox unavailable' : 'Try again later') {
      refusals = { left: count, code, message };
    },
    async stop() {
      await closeServer();
    },
    async start() {
      server = makeServer();
      await listen(port);
    },
    waitForCount(count, timeoutMs = 10_000) {
      if (acceptedCount >= count) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Only ${acceptedCount} of ${count} emails arrived within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(received);
          },
        });
      });
    },
    close: closeServer,
  };
}

function toReceived(mail: ParsedMail): ReceivedEmail {
  const address = (value: ParsedMail['to'] | ParsedMail['from']) => (value === undefined ? '' : Array.isArray(value) ? value.map((v) => v.text).join(', ') : value.text);
  const lines = new Map(mail.headerLines.map((line) => [line.key.toLowerCase(), line.line.slice(line.line.indexOf(':') + 1).trim()]));
  return {
    to: address(mail.to),
    from: address(mail.from),
    subject: mail.subject ?? '',
    messageId: mail.messageId ?? '',
    html: typeof mail.html === 'string' ? mail.html : '',
    text: mail.text ?? '',
    headers: mail.headers,
    header: (name) => lines.get(name.toLowerCase()),
  };
}
