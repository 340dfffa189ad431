import type { Config } from '../../config/config.js';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../providers/clock/index.js';
import { mailboxTransport, smtpTransport, type EmailTransport } from '../../providers/email/index.js';
import { outboxSignal } from '../outbox/enqueue-message.js';
import { deliverDueNotifications, type DeliveryOptions, type DeliveryReport, type DeliverySettings } from './deliver-notifications.js';

export interface NotificationWorker {
  readonly transport: EmailTransport;
  /** Look for due messages now (and a few times over the next two seconds). */
  wake(): void;
  /** Deliver everything due now, batch after batch; resolves with the totals. */
  drain(): Promise<DeliveryReport>;
  stop(): Promise<void>;
}

export interface NotificationWorkerOptions extends DeliveryOptions {
  db: Db;
  clock: Clock;
  settings: DeliverySettings;
  transport: EmailTransport;
  /** Delivery rounds at once (default 2). */
  concurrency?: number;
  /** The sweep that catches what other instances queued and what is due for a retry (default 10 s). */
  sweepMs?: number;
  onError?: (error: unknown) => void;
  onDelivered?: (report: DeliveryReport) => void;
}

/** The email transport the configuration asks for: SMTP_URL's server, else the local mailbox. */
export function emailTransportFor(config: Pick<Config, 'smtpUrl' | 'mailFrom'>, db: Db, clock: Clock): EmailTransport {
  return config.smtpUrl ? smtpTransport(config.smtpUrl, config.mailFrom) : mailboxTransport(db, clock, config.mailFrom);
}

export function deliverySettings(config: Pick<Config, 'http' | 'adminAlertEmails'>): DeliverySettings {
  return { appUrl: config.http.appUrl, adminAlertEmails: config.adminAlertEmails };
}

/** After a message was queued in this process: look again this long after the previous look, until one finds work. */
const FOLLOW_UPS_MS = [15, 60, 150, 300, 600, 1000];

/**
 * The delivery worker (`deliver-notifications`, DESIGN.md §7): delivers as soon as a message is
 * queued in this process — `enqueueMessage` signals it, and it looks a few times over the next
 * two seconds for the transaction to commit — and sweeps every 10 s for the rest. One round runs
 * at a time here; other instances run theirs and `FOR UPDATE SKIP LOCKED` keeps them apart.
 */
export function startNotificationWorker(options: NotificationWorkerOptions): NotificationWorker {
  const sweepMs = options.sweepMs ?? 10_000;
  const batchSize = options.batchSize ?? 100;
  const concurrency = options.concurrency ?? 2;
  let stopped = false;
  let running: Promise<DeliveryReport> | undefined;
  let rerun = false;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  let followUp = -1;

  const schedule = (ms: number) => {
    if (stopped) return;
    const at = Date.now() + ms;
    if (timer && timerAt <= at) return;
    clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(() => {
      timer = undefined;
      timerAt = Infinity;
      void tick();
    }, ms);
    timer.unref();
  };

  const drain = (): Promise<DeliveryReport> => {
    if (running) {
      rerun = true;
      return running;
    }
    running = (async () => {
      const total: DeliveryReport = { claimed: 0, expanded: 0, sent: 0, emailed: 0, retrying: 0, failed: 0 };
      try {
        do {
          rerun = false;
          // Rounds in parallel (SKIP LOCKED keeps them apart): one renders while another waits for
          // the database or the SMTP server.
          await Promise.all(
            Array.from({ length: concurrency }, async () => {
              let report: DeliveryReport;
              do {
                report = await deliverDueNotifications(options.db, { clock: options.clock, transport: options.transport, settings: options.settings }, options);
                for (const key of Object.keys(total) as (keyof DeliveryReport)[]) total[key] += report[key];
              } while (!stopped && report.claimed >= batchSize);
            }),
          );
        } while (!stopped && rerun);
      } finally {
        running = undefined;
      }
      if (total.claimed > 0) options.onDelivered?.(total);
      return total;
    })();
    return running;
  };

  const tick = async () => {
    try {
      const report = await drain();
      if (report.claimed > 0 || report.expanded > 0) followUp = -1;
    } catch (error) {
      options.onError?.(error);
    }
    if (followUp >= 0 && followUp < FOLLOW_UPS_MS.length) schedule(FOLLOW_UPS_MS[followUp++]!);
    else {
      followUp = -1;
      schedule(sweepMs);
    }
  };

  const wake = () => {
    followUp = 1;
    schedule(FOLLOW_UPS_MS[0]!);
  };
  outboxSignal.on('queued', wake);
  schedule(0);

  return {
    transport: options.transport,
    wake,
    drain,
    async stop() {
      stopped = true;
      outboxSignal.off('queued', wake);
      clearTimeout(timer);
      await running?.catch(() => undefined);
      await options.transport.close();
    },
  };
}
