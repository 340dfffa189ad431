/**
 * A local SMTP server (`smtp-server`) in its own process for bench/notifications.ts, as a real
 * mail server would be: accepts everything, parses nothing but the Message-ID, and tells the
 * parent (IPC) its port, then each accepted Message-ID with the absolute time it was accepted.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

const now = () => performance.timeOrigin + performance.now();
let pending: [string, number][] = [];
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  closeTimeout: 50,
  onData(stream, _session, callback) {
    let head = '';
    stream.on('data', (chunk: Buffer) => {
      if (head.length < 4096) head += chunk.toString('latin1');
    });
    stream.on('end', () => {
      pending.push([/^message-id:\s*(<[^>]+>)/im.exec(head)?.[1] ?? '', now()]);
      callback();
    });
  },
});
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.server.address() as AddressInfo).port }));
// Batched reports: one IPC message per 20 ms, not per email.
setInterval(() => {
  if (pending.length === 0) return;
  process.send!({ accepted: pending });
  pending = [];
}, 20).unref();
process.on('disconnect', () => server.close(() => process.exit(0)));
