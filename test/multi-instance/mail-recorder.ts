import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface MailRecorder {
  /** `SMTP_URL` for an instance: each instance gets a port of its own, so emails can be attributed. */
  urlFor(name: string): string;
  /** Every accepted Message-ID, in order, with the instance whose port accepted it. */
  readonly accepted: ReadonlyArray<{ messageId: string; instance: string }>;
  close(): Promise<void>;
}

/**
 * Real SMTP servers (`smtp-server`) on loopback, one port per instance name, that accept every
 * message and keep only its `Message-ID` (read from the headers, not parsed further: a bench sends
 * tens of thousands). Like test/smtp.ts without the parsing, so it stays cheap at the bench's size.
 */
export async function startMailRecorder(names: readonly string[]): Promise<MailRecorder> {
  const accepted: { messageId: string; instance: string }[] = [];
  const servers = new Map<string, { server: SMTPServer; port: number }>();
  for (const name of names) {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: 50,
      onData(stream, _session, callback) {
        let head = '';
        stream.on('data', (chunk: Buffer) => {
          if (head.length < 8192) head += chunk.toString('latin1');
        });
        stream.on('end', () => {
          accepted.push({ messageId: /^message-id:\s*(<[^>]+>)/im.exec(head)?.[1] ?? '', instance: name });
          callback();
        });
      },
    });
    // A client that goes away mid-session (an instance stopping resets its pooled connections) is not the server's failure.
    server.on('error', () => undefined);
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port));
    });
    servers.set(name, { server, port });
  }
  return {
    urlFor: (name) => {
      const entry = servers.get(name);
      if (!entry) throw new Error(`no SMTP port for ${name}`);
      return `smtp://127.0.0.1:${entry.port}`;
    },
    accepted,
    close: async () => {
      await Promise.all([...servers.values()].map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}
