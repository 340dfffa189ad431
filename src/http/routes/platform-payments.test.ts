import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { insertCreator } from '../../../test/fixtures.js';
import { auditEvents, outboxMessages, payments } from '../../db/schema/index.js';
import { balances, creatorAccount, verifyLedger } from '../../ledger/index.js';
import { createApiKey } from '../../services/api-keys/create-api-key.js';

let t: TestApp;
let platformKey: string;
let adminKey: string;
const unique = () => Math.random().toString(36).slice(2, 10);

beforeAll(async () => {
  t = await createTestApp({ env: { PAYOUT_HOLDING_DAYS: '7', PLATFORM_FEE_PERCENTAGE: '10' } });
  const key = async (role: 'ADMIN' | 'PLATFORM') => (await t.database.db.transaction((tx) => createApiKey(tx, { role, name: role, actor: 'test' }, { clock: t.clock }))).key;
  platformKey = await key('PLATFORM');
  adminKey = await key('ADMIN');
});
afterEach(async () => {
  const verification = await verifyLedger(t.database.db);
  expect(verification.checks.filter((check) => !check.ok)).toEqual([]);
});
afterAll(async () => {
  await t?.close();
});

const record = (body: unknown, key: string | null = platformKey) =>
  t.app.inject({ method: 'POST', url: '/api/payments', headers: key ? { authorization: `Bearer ${key}` } : {}, payload: body as Record<string, unknown> });

const counts = async () => {
  const { rows } = await t.database.db.execute<{ payments: number; entries: number; audit: number; outbox: number }>(
    sql`select (select count(*)::int from payments) as payments, (select count(*)::int from ledger_entries) as entries,
               (select count(*)::int from audit_events where action = 'payment.recorded') as audit, (select count(*)::int from outbox_messages) as outbox`,
  );
  return rows[0];
};

describe(`POST /api/payments on ${testDatabaseKind}`, () => {
  it('records a payment as HELD with its split (201), and answers 200 with the same payment when the externalId repeats', async () => {
    const { creatorId, userId } = await insertCreator(t.database.db);
    const body = { creatorId, externalId: `host_${unique()}`, bookingId: `bk_${unique()}`, amount: 7000, currency: 'EUR', customerEmail: 'c@example.test', metadata: { channel: 'app' } };
    const first = await record(body);
    expect(first.statusCode).toBe(201);
    const { payment } = first.json();
    expect(payment).toMatchObject({ creatorId, externalId: body.externalId, bookingId: body.bookingId, amount: 7000, feeAmount: 700, creatorAmount: 6300, currency: 'eur', status: 'HELD', refundedAmount: 0 });
    expect(payment.releaseInSeconds).toBeGreaterThan(7 * 24 * 3600 - 60);

    const before = await counts();
    const again = await record(body, adminKey);
    expect(again.statusCode).toBe(200);
    expect(again.json().payment).toEqual({ ...payment, releaseInSeconds: expect.any(Number) });
    expect(await counts()).toEqual(before);

    const held = creatorAccount(creatorId, 'held', 'eur');
    expect((await balances(t.database.db, [held])).get(held.code)).toBe(6300n);
    const [audit] = await t.database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, payment.id));
    expect(audit?.actor).toMatch(/^api_key:key_/);
    const [message] = await t.database.db.select().from(outboxMessages).where(eq(outboxMessages.dedupeKey, `payment.received:${payment.id}`));
    expect(message?.recipient).toBe(`user:${userId}`);
    const [row] = await t.database.db.select().from(payments).where(eq(payments.id, payment.id));
    expect(row).toMatchObject({ customerEmail: 'c@example.test', metadata: { channel: 'app' }, stripePaymentIntentId: null });
  });

  it('takes paidAt from the host, and refuses one in the future', async () => {
    const { creatorId } = await insertCreator(t.database.db);
    const paidAt = new Date(t.clock.now().getTime() - 3 * 24 * 3600 * 1000).toISOString();
    const response = await record({ creatorId, externalId: `host_${unique()}`, amount: 999, currency: 'jpy', paidAt });
    expect(response.statusCode).toBe(201);
    expect(response.json().payment).toMatchObject({ paidAt, feeAmount: 100, creatorAmount: 899, currency: 'jpy' });
    expect(Date.parse(response.json().payment.payoutReleaseDate) - Date.parse(paidAt)).toBe(7 * 24 * 3600 * 1000);

    const future = await record({ creatorId, externalId: `host_${unique()}`, amount: 999, currency: 'jpy', paidAt: new Date(t.clock.now().getTime() + 3600_000).toISOString() });
    expect(future.statusCode).toBe(400);
    expect(future.json().error.code).toBe('PAID_AT_IN_FUTURE');
  });

  it('refuses a repeat with other content, and a second payment for one booking (409)', async () => {
    const { creatorId } = await insertCreator(t.database.db);
    const body = { creatorId, externalId: `host_${unique()}`, bookingId: `bk_${unique()}`, amount: 5000, currency: 'eur' };
    expect((await record(body)).statusCode).toBe(201);
    const before = await counts();
    const otherAmount = await record({ ...body, amount: 5001 });
    expect(otherAmount.statusCode).toBe(409);
    expect(otherAmount.json().error).toMatchObject({ code: 'PAYMENT_CONFLICT', details: { fields: ['amount'] } });
    const sameBooking = await record({ ...body, externalId: `host_${unique()}` });
    expect(sameBooking.statusCode).toBe(409);
    expect(sameBooking.json().error.code).toBe('BOOKING_ALREADY_PAID');
    expect(await counts()).toEqual(before);
  });

  it('records five concurrent copies once', async () => {
    const { creatorId } = await insertCreator(t.database.db);
    const body = { creatorId, externalId: `host_${unique()}`, amount: 7000, currency: 'eur' };
    const answers = await Promise.all(Array.from({ length: 5 }, () => record(body)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.json().payment.id)).size).toBe(1);
  });

  it('answers bad input with 400 VALIDATION_ERROR naming the field, and writes nothing', async () => {
    const { creatorId } = await insertCreator(t.database.db);
    const valid = { creatorId, externalId: `host_${unique()}`, amount: 7000, currency: 'eur' };
    const before = await counts();
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['a decimal amount', { amount: 70.5 }, 'amount'],
      ['an amount as a string', { amount: '70.00' }, 'amount'],
      ['a zero amount', { amount: 0 }, 'amount'],
      ['a negative amount', { amount: -100 }, 'amount'],
      ['an amount beyond 2^53', { amount: 2 ** 60 }, 'amount'],
      ['an unknown currency', { currency: 'abc' }, 'currency'],
      ['a missing externalId', { externalId: undefined }, 'externalId'],
      ['a bad email', { customerEmail: 'not-an-email' }, 'customerEmail'],
      ['a non-ISO paidAt', { paidAt: 'yesterday' }, 'paidAt'],
      ['an unknown field', { fee: 10 }, 'fee'],
      ['metadata values that are not strings', { metadata: { n: 1 } }, 'metadata.n'],
    ];
    for (const [name, overrides, param] of cases) {
      const response = await record({ ...valid, ...overrides });
      expect({ name, status: response.statusCode, code: response.json().error?.code }).toEqual({ name, status: 400, code: 'VALIDATION_ERROR' });
      expect(response.json().error.details.issues.map((issue: { param: string }) => issue.param)).toContain(param);
    }
    expect(await counts()).toEqual(before);
  });

  it('refuses an unknown creator with 422 CREATOR_NOT_FOUND and writes nothing', async () => {
    const before = await counts();
    const response = await record({ creatorId: 'cr_nobody', externalId: `host_${unique()}`, amount: 7000, currency: 'eur' });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('CREATOR_NOT_FOUND');
    expect(await counts()).toEqual(before);
  });

  it('is for platforms and admins only', async () => {
    const { creatorId } = await insertCreator(t.database.db);
    const body = { creatorId, externalId: `host_${unique()}`, amount: 7000, currency: 'eur' };
    expect((await record(body, null)).statusCode).toBe(401);
    expect((await record(body, 'pk_platform_wrong')).statusCode).toBe(401);
  });
});
