import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { createPrincipals, type TestPrincipals } from '../../../test/principals.js';
import { auditEvents, creators } from '../../db/schema/index.js';
import { createUser } from '../users/create-user.js';

/**
 * Issue 14 §5: a creator linked to an existing Stripe account gets its status from Stripe itself
 * when no `account.updated` arrives — before a request is refused as "payouts disabled", and in
 * the daily `refresh-creator-accounts` sweep. The app does not listen here: no webhook reaches it.
 */
let t: TestApp;
let who: TestPrincipals;
const unique = () => Math.random().toString(36).slice(2, 10);

beforeAll(async () => {
  t = await createTestApp({ sandbox: true });
  who = await createPrincipals(t);
});
afterAll(async () => {
  await t?.close();
});

/** A creator linked to a fresh Express account (not onboarded), as `users create --stripe-account` makes one. */
async function linkedCreator(): Promise<{ creatorId: string; userId: string; accountId: string }> {
  const account = await t.stripe.stripe.accounts.create({ type: 'express', email: `linked-${unique()}@example.test` });
  const { user, creator } = await t.database.db.transaction((tx) =>
    createUser(tx, { email: `linked-${unique()}@example.test`, name: 'Linked', role: 'CREATOR', creator: { stripeAccountId: account.id }, actor: 'test' }, { config: t.config, clock: t.clock }),
  );
  return { creatorId: creator!.id, userId: user.id, accountId: account.id };
}

const onboardAtStripe = (accountId: string) => fetch(`${t.sandbox!.url}/_sandbox/accounts/${accountId}/onboard`, { method: 'POST' });
const creatorRow = async (id: string) => (await t.database.db.select().from(creators).where(eq(creators.id, id)))[0]!;

async function requestAs(userId: string, amount: number) {
  const token = await t.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: who.headers.platform, payload: { userId } });
  return t.app.inject({ method: 'POST', url: '/api/payouts/request', headers: { authorization: `Bearer ${token.json().token}` }, payload: { amount } });
}

describe(`creator account status from Stripe on ${testDatabaseKind}`, () => {
  it('a request asks Stripe before refusing as payouts disabled: still disabled is refused, enabled since goes on', async () => {
    const linked = await linkedCreator();
    const refused = await requestAs(linked.userId, 1000);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('PAYOUT_PAYOUTS_DISABLED');
    expect((await creatorRow(linked.creatorId)).payoutsEnabled).toBe(false);

    expect((await onboardAtStripe(linked.accountId)).status).toBe(200);
    const next = await requestAs(linked.userId, 1000);
    // Past the account check: now refused for the balance it does not have.
    expect(next.json().error.code).toBe('PAYOUT_INSUFFICIENT_BALANCE');
    expect(await creatorRow(linked.creatorId)).toMatchObject({ payoutsEnabled: true, detailsSubmitted: true });
    const audit = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, linked.creatorId), eq(auditEvents.action, 'creator.stripe_account_updated')));
    // The first read learned the requirements due (still disabled); the second, the enabling.
    const enabling = audit.filter((e) => e.toStatus === 'payouts_enabled');
    expect(enabling).toHaveLength(1);
    expect(enabling[0]).toMatchObject({ fromStatus: 'payouts_disabled', toStatus: 'payouts_enabled', metadata: expect.objectContaining({ via: 'refresh', account: linked.accountId }) });
  });

  it('the daily sweep enables the accounts Stripe enabled and leaves the others', async () => {
    const done = await linkedCreator();
    const waiting = await linkedCreator();
    await onboardAtStripe(done.accountId);
    const run = await t.app.inject({ method: 'POST', url: '/api/cron/refresh-creator-accounts', headers: who.headers.cron });
    expect(run.statusCode).toBe(200);
    const body = run.json();
    expect(body.enabled).toContain(done.creatorId);
    expect(body.enabled).not.toContain(waiting.creatorId);
    expect(body.failed).toEqual([]);
    expect((await creatorRow(done.creatorId)).payoutsEnabled).toBe(true);
    expect((await creatorRow(waiting.creatorId)).payoutsEnabled).toBe(false);
    // Again: the enabled one is no longer checked, nothing changes.
    const again = (await t.app.inject({ method: 'POST', url: '/api/cron/refresh-creator-accounts', headers: who.headers.cron })).json();
    expect(again.enabled).toEqual([]);
    expect(again.checked).toBeLessThan(body.checked);
  });
});
