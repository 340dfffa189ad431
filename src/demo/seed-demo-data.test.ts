import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/database.js';
import { startServer, type RunningServer } from '../cli/serve.js';
import { loadConfig } from '../config/config.js';
import type { Database } from '../db/database.js';
import { apiKeys, auditEvents, creators, payments, payouts, users } from '../db/schema/index.js';
import { createLogger } from '../http/logger.js';
import { verifyLedger } from '../ledger/index.js';
import { verifyPayouts } from '../services/payouts/verify-payouts.js';
import { createApiKey } from '../services/api-keys/create-api-key.js';
import { SANDBOX_STATE_FILE } from '../cli/stripe-connection.js';
import { DEMO_ADMIN, DEMO_CREATORS, DEMO_PASSWORD } from './seed-demo-data.js';

/**
 * DEMO=1 (docs/demo.md): `serve` on an empty database seeds the demo marketplace through its own
 * API and the in-process sandbox — the state a newcomer's `npm start` shows — and a restart
 * leaves the data alone.
 */
let database: Database & { url: string };
let logLines: string[];

function capturingLogger() {
  logLines = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return createLogger({ level: 'info', destination: stream });
}

const serve = (env: Record<string, string> = {}) =>
  startServer(loadConfig({ DATABASE_URL: database.url, PORT: '0', STRIPE_SANDBOX_PORT: '0', DEMO: '1', ...env }), { logger: capturingLogger(), handleSignals: false });
const messages = () => logLines.map((line) => (JSON.parse(line) as { msg?: string }).msg ?? '');

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe('demo data', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await serve();
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it('onboards the three creators with their Stripe accounts ready for payouts', async () => {
    const rows = await database.db.select().from(creators).innerJoin(users, eq(users.id, creators.userId)).orderBy(asc(users.email));
    expect(rows.map((r) => r.users.email)).toEqual(DEMO_CREATORS.map((c) => c.email).sort());
    expect(rows.every((r) => r.creators.payoutsEnabled && r.creators.stripeAccountId?.startsWith('acct_'))).toBe(true);
    expect(rows.find((r) => r.users.email.startsWith('chloe'))!.creators.locale).toBe('fr');
  });

  it('records every booking once with the 10 % split, and shows each state: paid out, waiting for an admin, waiting for approval, available, held', async () => {
    const byBooking = Object.fromEntries((await database.db.select().from(payments)).map((p) => [p.bookingId, p]));
    expect(Object.keys(byBooking).sort()).toEqual(DEMO_CREATORS.flatMap((c) => c.bookings.map((_, i) => `demo-${c.key}-${i + 1}`)).sort());
    expect(byBooking['demo-ana-1']).toMatchObject({ amount: 7000n, feeAmount: 700n, creatorAmount: 6300n, currency: 'eur' });
    for (const booking of ['demo-chloe-2', 'demo-chloe-3']) {
      const payment = byBooking[booking]!;
      expect(payment.status).toBe('HELD');
      expect(payment.payoutReleaseDate.getTime() - payment.paidAt.getTime()).toBe(7 * 86_400_000);
      expect(payment.payoutReleaseDate.getTime()).toBeGreaterThan(Date.now() + 5 * 86_400_000);
    }
    expect(['demo-ana-1', 'demo-ana-2', 'demo-ana-3', 'demo-ben-1', 'demo-ben-2', 'demo-chloe-1'].map((b) => byBooking[b]!.status).every((s) => s !== 'HELD')).toBe(true);
    const rows = await database.db.select().from(payouts).orderBy(asc(payouts.amount));
    expect(rows.map((p) => [p.amount, p.status])).toEqual([
      [10000n, 'PENDING'],
      [15000n, 'PAID'],
      [216000n, 'PENDING_APPROVAL'],
    ]);
    expect(rows[2]!.flags).toContain('LARGE_FIRST_PAYOUT');
    const paid = rows.find((p) => p.status === 'PAID')!;
    expect(paid.stripeTransferId).toMatch(/^tr_/);
    const transfer = await server.app.deps.stripe.findTransferForPayout(paid.id);
    expect(transfer).toMatchObject({ id: paid.stripeTransferId, amount: 15000, currency: 'eur' });
  });

  it('happened in the past: the service clock is back at the present, and the demo history is days old, in order', async () => {
    expect(Math.abs(server.app.deps.clock.now().getTime() - Date.now())).toBeLessThan(1000);
    const [anaPaid, benPending] = await Promise.all(
      ['PAID', 'PENDING'].map(async (status) => (await database.db.select().from(payouts).where(eq(payouts.status, status as 'PAID')))[0]!),
    );
    const hoursAgo = (date: Date) => (Date.now() - date.getTime()) / 3_600_000;
    expect(hoursAgo(anaPaid!.requestedAt)).toBeGreaterThan(47);
    expect(hoursAgo(anaPaid!.completedAt!)).toBeGreaterThan(47);
    expect(hoursAgo(benPending!.requestedAt)).toBeGreaterThan(2.9);
    const creatorRows = await database.db.select().from(creators);
    expect(creatorRows.every((c) => hoursAgo(c.createdAt) > 39 * 24)).toBe(true);
    const events = await database.db.select().from(auditEvents).orderBy(asc(auditEvents.id));
    // In order, but for concurrent transactions (the creators are onboarded together): the clock never went back.
    expect(events.every((event, i) => i === 0 || event.createdAt.getTime() >= events[i - 1]!.createdAt.getTime() - 60_000)).toBe(true);
    expect(events.every((event) => event.createdAt.getTime() <= Date.now())).toBe(true);
  });

  it('every demo creator logs in with the published password; Ana asks for a payout at once and is not held back by the demo history', async () => {
    for (const email of DEMO_CREATORS.map((c) => c.email)) {
      const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: DEMO_PASSWORD }) });
      expect(login.status, email).toBe(200);
    }
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ana@demo.payouts.test', password: DEMO_PASSWORD }) });
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const balance = (await (await fetch(`${server.url}/api/payouts/request`, { headers: { cookie } })).json()) as { availableBalance: number };
    expect(balance.availableBalance).toBe(6300 + 11340 + 4050 - 15000);
    const requested = await fetch(`${server.url}/api/payouts/request`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: balance.availableBalance }),
    });
    expect(requested.status, await requested.clone().text()).toBe(201);
    expect(((await requested.json()) as { payout: { status: string } }).payout.status).toBe('PENDING');
    const french = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'chloe@demo.payouts.test', password: DEMO_PASSWORD }) });
    expect(((await french.json()) as { user: { locale: string } }).user.locale).toBe('fr');
  });

  it("the admin approves Chloé's flagged payout from the approval queue: the sandbox has the money, it is paid", async () => {
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(DEMO_ADMIN) });
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const queue = (await (await fetch(`${server.url}/api/admin/payouts?status=PENDING_APPROVAL`, { headers: { cookie } })).json()) as { data: Array<{ id: string; creatorName: string; flags: string[] }> };
    expect(queue.data.map((p) => [p.creatorName, p.flags])).toEqual([['Chloé Martin', ['LARGE_FIRST_PAYOUT']]]);
    const approved = await fetch(`${server.url}/api/admin/payout-approval`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({ payoutId: queue.data[0]!.id, action: 'approve', notes: 'Workshop confirmed' }),
    });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ success: true, outcome: 'paid', payout: { status: 'PAID', amount: 216000 } });
  });

  it('the books balance: every ledger and payout invariant holds', async () => {
    expect((await verifyLedger(database.db)).checks.filter((c) => !c.ok)).toEqual([]);
    expect((await verifyPayouts(database.db)).checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('the admin logs in with the published password; the seed revoked its own keys and logged no secret', async () => {
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(DEMO_ADMIN) });
    expect(login.status).toBe(200);
    const keys = await database.db.select().from(apiKeys);
    expect(keys).toHaveLength(2);
    expect(keys.every((k) => k.revokedAt !== null)).toBe(true);
    const seeded = messages().find((m) => m.startsWith('Demo data seeded'));
    expect(seeded).toContain(`"${DEMO_PASSWORD}"): ${DEMO_ADMIN.email} (admin), ana@demo.payouts.test, ben@demo.payouts.test, chloe@demo.payouts.test`);
    expect(DEMO_ADMIN.password).toBe(DEMO_PASSWORD);
    expect(logLines.join('\n')).not.toMatch(/pk_(admin|platform)_[A-Za-z0-9_-]{20}/);
  });
});

describe('demo data on restart', () => {
  it('a second start on the same database seeds nothing', async () => {
    const before = (await database.db.select().from(payments)).length;
    const server = await serve();
    try {
      expect(messages()).toContain('DEMO: not seeded; the database already has users');
      expect((await database.db.select().from(payments)).length).toBe(before);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('without the local sandbox (a Stripe key) it seeds nothing and says why', async () => {
    const fresh = await createTestDatabase();
    try {
      const server = await startServer(
        loadConfig({ DATABASE_URL: fresh.url, PORT: '0', DEMO: '1', STRIPE_SECRET_KEY: 'sk_test_demo_elsewhere', STRIPE_API_BASE: 'http://127.0.0.1:9' }),
        { logger: capturingLogger(), handleSignals: false },
      );
      await server.close();
      expect(messages().some((m) => m.startsWith('DEMO: not seeded; demo data needs the local Stripe sandbox'))).toBe(true);
      expect(await fresh.db.select().from(users)).toEqual([]);
    } finally {
      await fresh.close();
    }
  }, 60_000);
});

describe('npm start twice: the embedded database and the sandbox state file', () => {
  it('after a restart the demo goes on: the admin processes the payout that was waiting, paid by a sandbox transfer', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'payouts-demo-'));
    const env = { DATA_DIR: dataDir, PORT: '0', STRIPE_SANDBOX_PORT: '0' }; // no DATABASE_URL: embedded, DEMO on by default
    try {
      const first = await startServer(loadConfig(env), { logger: capturingLogger(), handleSignals: false });
      const [waiting] = await first.database.db.select().from(payouts).where(eq(payouts.status, 'PENDING'));
      await first.close();
      expect(existsSync(join(dataDir, SANDBOX_STATE_FILE))).toBe(true);

      const second = await startServer(loadConfig(env), { logger: capturingLogger(), handleSignals: false });
      try {
        expect(messages()).toContain('DEMO: not seeded; the database already has users');
        const { key } = await second.database.db.transaction((tx) => createApiKey(tx, { role: 'ADMIN', name: 'after restart', actor: 'test' }, second.app.deps));
        const reply = await fetch(`${second.url}/api/admin/payouts`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ payoutId: waiting!.id }),
        });
        expect(reply.status, await reply.clone().text()).toBe(200);
        const [paid] = await second.database.db.select().from(payouts).where(eq(payouts.id, waiting!.id));
        expect(paid).toMatchObject({ status: 'PAID', amount: 10000n });
        expect(await second.app.deps.stripe.findTransferForPayout(waiting!.id)).toMatchObject({ amount: 10000 });
        expect((await verifyPayouts(second.database.db)).checks.filter((c) => !c.ok)).toEqual([]);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
