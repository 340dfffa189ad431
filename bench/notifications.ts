/**
 * Notification delivery benchmark (issue 13 §6). A scratch database (PostgreSQL by default), a
 * real SMTP server (`smtp-server` on loopback in a child process, bench/smtp-sink.ts) and the
 * delivery worker of the service with its pooled nodemailer transport in this process.
 *
 * 1. Throughput: N messages to creators (`payment.received`, each rendered with react-email in
 *    the creator's language, in-app notification written, email sent) queued at once; emails/s
 *    from the worker's start to the last SMTP accept.
 * 2. Latency: messages queued one transaction at a time at a steady rate; for each, the time from
 *    its transaction's commit to the SMTP server accepting its email; p50 and p99.
 *
 *   npx tsx bench/notifications.ts [--messages N] [--latency-messages N] [--rate R] [--db postgres|pglite] [--connections C] [--batch B]
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { sql } from 'drizzle-orm';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../src/providers/clock/index.js';
import { smtpTransport } from '../src/providers/email/index.js';
import { enqueueMessage } from '../src/services/outbox/enqueue-message.js';
import { startNotificationWorker } from '../src/services/notifications/notification-worker.js';
import { createUser } from '../src/services/users/create-user.js';
import { loadConfig } from '../src/config/config.js';
import { createScratchDatabase, type BenchDatabaseKind } from './scratch-database.js';

const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number');
  return n;
};

const options = new Command()
  .addOption(new Option('--db <kind>', 'database').choices(['postgres', 'pglite']).default('postgres'))
  .option('--messages <n>', 'messages for the throughput run', positive, 5000)
  .option('--latency-messages <n>', 'messages for the latency run', positive, 300)
  .option('--rate <n>', 'messages per second queued in the latency run', positive, 50)
  .option('--connections <n>', 'SMTP connections in the pool', positive, 5)
  .option('--batch <n>', 'messages claimed per round', positive, 100)
  .option('--creators <n>', 'recipients (half French, half English)', positive, 50)
  .parse()
  .opts<{ db: BenchDatabaseKind; messages: number; latencyMessages: number; rate: number; connections: number; batch: number; creators: number }>();

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main() {
  const scratch = await createScratchDatabase(options.db, 10);
  const { database } = scratch;
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', APP_URL: 'https://payouts.example.com' });

  // The SMTP server, in its own process (bench/smtp-sink.ts): accept times per Message-ID.
  const acceptedAt = new Map<string, number>();
  let accepted = 0;
  let lastAcceptAt = 0;
  const sink = fork(fileURLToPath(new URL('./smtp-sink.ts', import.meta.url)), { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((resolve) => {
    sink.on('message', (message: { port?: number; accepted?: [string, number][] }) => {
      if (message.port) resolve(message.port);
      for (const [id, at] of message.accepted ?? []) {
        acceptedAt.set(id, at);
        accepted += 1;
        lastAcceptAt = Math.max(lastAcceptAt, at);
      }
    });
  });
  const smtpUrl = `smtp://127.0.0.1:${port}`;
  const clockMs = () => performance.timeOrigin + performance.now();

  try {
    const context = { config, clock: systemClock };
    const userIds: string[] = [];
    for (let i = 0; i < options.creators; i += 1) {
      const { user, creator } = await database.db.transaction((tx) =>
        createUser(tx, { email: `creator-${i}@bench.example`, name: `Creator ${i}`, role: 'CREATOR', creator: {}, actor: 'bench' }, context),
      );
      if (i % 2 === 0) await database.db.execute(sql`update creators set locale = 'fr' where id = ${creator!.id}`);
      userIds.push(user.id);
    }
    const payload = (i: number) => ({ paymentId: `pay_${i}`, bookingId: `bk_${i}`, amount: '12600', creatorAmount: '11340', currency: 'eur', payoutReleaseDate: new Date(Date.now() + 7 * 86_400_000).toISOString() });

    console.log(`Notification delivery on ${database.kind} (${scratch.location}); SMTP pool of ${options.connections}, batches of ${options.batch}`);

    // 1. Throughput.
    const now = new Date();
    const rows = Array.from({ length: options.messages }, (_, i) => ({
      topic: 'payment.received',
      recipient: `user:${userIds[i % userIds.length]}`,
      payload: JSON.stringify(payload(i)),
      dedupe: `bench:${i}`,
    }));
    for (let i = 0; i < rows.length; i += 1000) {
      await database.db.execute(sql`
        insert into outbox_messages (topic, recipient, payload, dedupe_key, created_at, next_attempt_at)
        select r.topic, r.recipient, r.payload::jsonb, r.dedupe, ${now}, ${now}
        from jsonb_to_recordset(${JSON.stringify(rows.slice(i, i + 1000))}::jsonb) as r(topic text, recipient text, payload text, dedupe text)`);
    }
    const transport = smtpTransport(smtpUrl, config.mailFrom, { maxConnections: options.connections });
    const started = clockMs();
    const cpuBefore = process.cpuUsage();
    const worker = startNotificationWorker({ db: database.db, clock: systemClock, transport, settings: { appUrl: config.http.appUrl, adminAlertEmails: [] }, batchSize: options.batch, sweepMs: 200 });
    while (accepted < options.messages) await new Promise((r) => setTimeout(r, 20));
    const seconds = (lastAcceptAt - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const [{ sent }] = (await database.db.execute<{ sent: string }>(sql`select count(*) as sent from outbox_messages where status = 'sent'`)).rows as [{ sent: string }];
    const [{ inApp }] = (await database.db.execute<{ inApp: string }>(sql`select count(*) as "inApp" from notifications`)).rows as [{ inApp: string }];
    console.log(
      `throughput: ${options.messages} emails in ${seconds.toFixed(2)} s = ${Math.round(options.messages / seconds)} emails/s ` +
        `(this process's CPU ${(((cpu.user + cpu.system) / 1000 / options.messages) * 1000).toFixed(0)} µs/email; marked sent ${sent}, in-app ${inApp})`,
    );

    // 2. Latency: commit → SMTP accept, one transaction per message at a steady rate.
    const committedAt = new Map<string, number>();
    const interval = 1000 / options.rate;
    const begin = clockMs();
    for (let i = 0; i < options.latencyMessages; i += 1) {
      const due = begin + i * interval;
      const wait = due - clockMs();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const dedupeKey = `latency:${i}`;
      const id = await database.db.transaction(async (tx) => {
        await enqueueMessage(tx, { topic: 'payment.received', recipient: `user:${userIds[i % userIds.length]}`, payload: payload(i), dedupeKey, at: new Date() });
        const [row] = (await tx.execute<{ id: string }>(sql`select id from outbox_messages where dedupe_key = ${dedupeKey}`)).rows;
        return row!.id;
      });
      committedAt.set(`<${id}@payouts.example.com>`, clockMs());
    }
    while (accepted < options.messages + options.latencyMessages) await new Promise((r) => setTimeout(r, 20));
    const latencies = [...committedAt].map(([id, at]) => acceptedAt.get(id)! - at).sort((a, b) => a - b);
    console.log(
      `latency (commit → SMTP accept, ${options.latencyMessages} messages at ${options.rate}/s): p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, max ${latencies.at(-1)!.toFixed(0)} ms`,
    );
    await worker.stop();
  } finally {
    sink.disconnect();
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
