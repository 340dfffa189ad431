import { sql } from 'drizzle-orm';
import { Gauge, type Registry } from 'prom-client';
import type { Database } from '../db/database.js';

/**
 * Business metrics read from the database at scrape time (issue 14 §7), so every instance reports
 * the same truth and nothing is lost on restart. Each is one cheap query: an index or a small
 * grouped table. docs/operations.md has the PromQL that watches them.
 */
export function registerBusinessMetrics(registry: Registry, database: Database): void {
  const db = database.db;
  const rows = async <T>(query: ReturnType<typeof sql>) => (await db.execute(query)).rows as T[];

  new Gauge({
    name: 'payouts_payouts',
    help: 'Payouts by status (PENDING_APPROVAL, PENDING, PROCESSING, PAID, FAILED, CANCELLED)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await rows<{ status: string; n: string }>(sql`select status, count(*) as n from payouts group by status`)) this.set({ status: r.status }, Number(r.n));
    },
  });

  new Gauge({
    name: 'payouts_request_to_paid_seconds',
    help: 'Time from request (or creation) to PAID of the payouts paid in the last 24 hours, by quantile (0.5, 0.95); absent when none was paid',
    labelNames: ['quantile'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const [row] = await rows<{ p50: string | null; p95: string | null }>(sql`
        select percentile_cont(0.5) within group (order by extract(epoch from completed_at - requested_at)) as p50,
               percentile_cont(0.95) within group (order by extract(epoch from completed_at - requested_at)) as p95
        from payouts where status = 'PAID' and completed_at > now() - interval '24 hours'`);
      if (row?.p50 != null) this.set({ quantile: '0.5' }, Number(row.p50));
      if (row?.p95 != null) this.set({ quantile: '0.95' }, Number(row.p95));
    },
  });

  // A Prometheus histogram read from the database: cumulative over every payout ever PAID, so it
  // only grows, is the same on every instance and survives restarts; `rate()` over it gives any window.
  const durationBuckets = [60, 300, 900, 3600, 6 * 3600, 86_400, 3 * 86_400, 7 * 86_400, 14 * 86_400, 30 * 86_400];
  const durationName = 'payouts_request_to_paid_duration_seconds';
  const durationHelp = 'Time from request (or creation) to PAID, over every payout paid (a histogram read from the database)';
  registry.registerMetric({
    name: durationName,
    help: durationHelp,
    type: 'histogram',
    async get() {
      const counts = durationBuckets.map((le) => sql`count(*) filter (where d <= ${sql.raw(String(le))})`);
      const [row] = await rows<{ buckets: (string | number)[]; n: string; total: string | null }>(sql`
        select array[${sql.join(counts, sql`, `)}] as buckets, count(*) as n, sum(d) as total
        from (select extract(epoch from completed_at - requested_at) as d from payouts where status = 'PAID' and completed_at is not null) as paid`);
      const count = Number(row?.n ?? 0);
      const values = [
        ...durationBuckets.map((le, i) => ({ metricName: `${durationName}_bucket`, labels: { le }, value: Number(row?.buckets[i] ?? 0) })),
        { metricName: `${durationName}_bucket`, labels: { le: '+Inf' }, value: count },
        { metricName: `${durationName}_sum`, labels: {}, value: Number(row?.total ?? 0) },
        { metricName: `${durationName}_count`, labels: {}, value: count },
      ];
      return { name: durationName, help: durationHelp, type: 'histogram', aggregator: 'sum', values };
    },
  } as unknown as Parameters<Registry['registerMetric']>[0]);

  new Gauge({
    name: 'payouts_transfer_retries_pending',
    help: 'Payouts whose transfer failed and waits for its next retry (retry-payouts)',
    registers: [registry],
    async collect() {
      const [row] = await rows<{ n: string }>(sql`select count(*) as n from payouts where next_retry_at is not null and status in ('PENDING', 'PROCESSING')`);
      this.set(Number(row?.n ?? 0));
    },
  });

  new Gauge({
    name: 'payouts_webhook_lag_seconds',
    help: 'Age of the oldest Stripe event not completed yet (processing, or failed and due for a retry); 0 when none',
    registers: [registry],
    async collect() {
      const [row] = await rows<{ age: string | null }>(sql`
        select extract(epoch from (now() - min(received_at))) as age from webhook_events
        where status = 'processing' or (status = 'failed' and next_retry_at is not null)`);
      this.set(row?.age == null ? 0 : Math.max(0, Number(row.age)));
    },
  });

  new Gauge({
    name: 'payouts_outbox_backlog',
    help: 'Outbox messages waiting for delivery (pending), and given up (failed)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const [pending] = await rows<{ n: string }>(sql`select count(*) as n from outbox_messages where status = 'pending'`);
      const [failed] = await rows<{ n: string }>(sql`select count(*) as n from outbox_messages where status = 'failed'`);
      this.set({ status: 'pending' }, Number(pending?.n ?? 0));
      this.set({ status: 'failed' }, Number(failed?.n ?? 0));
    },
  });

  new Gauge({
    name: 'payouts_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest outbox message still waiting for delivery (0: none waiting)',
    registers: [registry],
    async collect() {
      const [row] = await rows<{ age: string | null }>(sql`select extract(epoch from (now() - min(created_at))) as age from outbox_messages where status = 'pending'`);
      this.set(row?.age === null || row?.age === undefined ? 0 : Math.max(0, Number(row.age)));
    },
  });

  new Gauge({
    name: 'payouts_webhook_events',
    help: 'Stripe events stored, by processing status (failed ones are retried, then alerted)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await rows<{ status: string; n: string }>(sql`select status, count(*) as n from webhook_events where status in ('processing', 'failed') group by status`)) {
        this.set({ status: r.status }, Number(r.n));
      }
    },
  });

  new Gauge({
    name: 'payouts_alerts_open',
    help: 'Alerts not resolved (OPEN or ACKNOWLEDGED), by type and severity (docs/alerts.md)',
    labelNames: ['type', 'severity', 'status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const found = await rows<{ type: string; severity: string; status: string; n: string }>(
        sql`select type, severity, status, count(*) as n from alerts where status <> 'RESOLVED' group by type, severity, status`,
      );
      for (const r of found) this.set({ type: r.type, severity: r.severity, status: r.status }, Number(r.n));
    },
  });

  new Gauge({
    name: 'payouts_reconciliation_items',
    help: 'Items of the last completed reconciliation with Stripe, by class; `open` counts the differences nobody has accepted (docs/reconciliation.md)',
    labelNames: ['class', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const found = await rows<{ class: string; accepted: boolean; n: string }>(
        sql`select i.class, i.accepted_at is not null as accepted, count(*) as n from reconciliation_items i
            where i.run_id = (select max(id) from reconciliation_runs where status = 'completed') group by 1, 2`,
      );
      for (const r of found) {
        const difference = r.class !== 'matched' && r.class !== 'expected';
        this.inc({ class: r.class, state: difference && !r.accepted ? 'open' : difference ? 'accepted' : 'in_order' }, Number(r.n));
      }
    },
  });

  new Gauge({
    name: 'payouts_reconciliation_last_completed_seconds',
    help: 'When the last reconciliation run completed (Unix seconds; 0: never)',
    registers: [registry],
    async collect() {
      const [found] = await rows<{ at: string | null }>(sql`select extract(epoch from max(finished_at)) as at from reconciliation_runs where status = 'completed'`);
      this.set(Number(found?.at ?? 0));
    },
  });

  new Gauge({
    name: 'payouts_platform_balance_minor',
    help: "The platform's Stripe balance at the latest balance check, by currency and kind (available, pending, required_reserve), in minor units",
    labelNames: ['currency', 'kind'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const latest = await rows<{ currency: string; available: string; pending: string; required_reserve: string }>(sql`
        select distinct on (currency) currency, available, pending, required_reserve
        from platform_balance_snapshots order by currency, taken_at desc`);
      for (const r of latest) {
        this.set({ currency: r.currency, kind: 'available' }, Number(r.available));
        this.set({ currency: r.currency, kind: 'pending' }, Number(r.pending));
        this.set({ currency: r.currency, kind: 'required_reserve' }, Number(r.required_reserve));
      }
    },
  });

  new Gauge({
    name: 'payouts_creator_obligations_minor',
    help: 'What the platform owes creators, from the ledger, by bucket (held, available, reserved) and currency, in minor units',
    labelNames: ['bucket', 'currency'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      // Account codes are `creator:<id>:<kind>:<currency>` (src/ledger/accounts.ts).
      const found = await rows<{ bucket: string; currency: string; amount: string }>(sql`
        select split_part(account_code, ':', 3) as bucket, split_part(account_code, ':', 4) as currency, sum(balance) as amount
        from ledger_balances
        where account_code like 'creator:%' and split_part(account_code, ':', 3) in ('held', 'available', 'reserved')
        group by 1, 2`);
      for (const r of found) this.set({ bucket: r.bucket, currency: r.currency }, Number(r.amount));
    },
  });
}
