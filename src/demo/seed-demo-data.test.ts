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
import { apiKeys, creators, payments, payouts, users } from '../db/schema/index.js';
import { createLogger } from '../http/logger.js';
import { verifyLedger } from '../ledger/index.js';
import { verifyPayouts } from '../services/payouts/verify-payouts.js';
import { createApiKey } from '../services/api-keys/create-api-key.js';
import { SANDBOX_STATE_FILE } from '../cli/stripe-connection.js';
import { DEMO_ADMIN, DEMO_CREATORS } from './seed-demo-data.js';

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

  it('records every booking once with the 10 % split, and shows each state: paid out, waiting for an admin, available, held', async () => {
    const byBooking = Object.fromEntries((await database.db.select().from(payments)).map((p) => [p.bookingId, p]));
    expect(Object.keys(byBooking).sort()).toEqual(DEMO_CREATORS.flatMap((c) => c.bookings.map((_, i) => `demo-${c.key}-${i + 1}`)).sort());
    expect(byBooking['demo-ana-1']).toMatchObject({ amount: 7000n, feeAmount: 700n, creatorAmount: 6300n, currency: 'eur' });
    for (const booking of ['demo-chloe-1', 'demo-chloe-2']) {
      const payment = byBooking[booking]!;
      expect(payment.status).toBe('HELD');
      expect(payment.payoutReleaseDate.getTime() - payment.paidAt.getTime()).toBe(7 * 86_400_000);
    }
    expect(['demo-ana-1', 'demo-ana-2', 'demo-ben-1', 'demo-ben-2'].map((b) => byBooking[b]!.status).every((s) => s !== 'HELD')).toBe(true);
    const rows = await database.db.select().from(payouts).orderBy(asc(payouts.amount));
    expect(rows.map((p) => [p.amount, p.status])).toEqual([
      [10000n, 'PENDING'],
      [15000n, 'PAID'],
    ]);
    const paid = rows.find((p) => p.status === 'PAID')!;
    expect(paid.stripeTransferId).toMatch(/^tr_/);
    const transfer = await server.app.deps.stripe.findTransferForPayout(paid.id);
    expect(transfer).toMatchObject({ id: paid.stripeTransferId, amount: 15000, currency: 'eur' });
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
    expect(seeded).toContain(`${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}`);
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
