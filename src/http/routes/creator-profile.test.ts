import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { createPrincipals, type TestPrincipals } from '../../../test/principals.js';
import { waitFor } from '../../../test/wait-for.js';
import { auditEvents, creators } from '../../db/schema/index.js';

/**
 * The creator's own profile and "continue onboarding" (issue 12): GET /api/creators/me and
 * POST /api/creators/me/onboarding-link against the sandbox, whose hosted onboarding page and
 * signed `account.updated` webhooks reach the listening app.
 */
let t: TestApp;
let who: TestPrincipals;
const unique = () => Math.random().toString(36).slice(2, 10);

beforeAll(async () => {
  t = await createTestApp({ listen: true, env: { APP_URL: 'https://payouts.example.com' } });
  who = await createPrincipals(t);
});
afterAll(async () => {
  await t?.close();
});

const asCreator = (method: 'GET' | 'POST', url: string) => t.app.inject({ method, url, headers: who.headers.creator });
const creatorRow = async (id: string) => (await t.database.db.select().from(creators).where(eq(creators.id, id)))[0]!;

describe(`creator profile and onboarding on ${testDatabaseKind}`, () => {
  it('a creator without a Stripe account gets one and a link; following it finishes onboarding; then there is nothing left to do', async () => {
    const creatorId = who.creator.creatorId;
    const before = await asCreator('GET', '/api/creators/me');
    expect(before.statusCode).toBe(200);
    expect(before.json()).toMatchObject({
      userId: who.creator.userId,
      creatorId,
      stripeAccountId: null,
      onboarding: { state: 'no_account', payoutsEnabled: false },
      canContinueOnboarding: true,
      payoutMode: 'manual',
      holdingPeriodHours: 7 * 24,
    });

    // A double click: one Express account, linked once.
    const [first, second] = await Promise.all([asCreator('POST', '/api/creators/me/onboarding-link'), asCreator('POST', '/api/creators/me/onboarding-link')]);
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    // The click that read the creator first saw no account; the other may have read it after the
    // link (then `not_started`): either way both name the same account.
    const [link, other] = [first.json(), second.json()].sort((a, b) => (a.state === 'no_account' ? -1 : b.state === 'no_account' ? 1 : 0));
    expect(link).toMatchObject({ url: expect.stringMatching(/^http/), stripeAccountId: expect.stringMatching(/^acct_/), state: 'no_account' });
    expect(['no_account', 'not_started']).toContain(other.state);
    expect(other.stripeAccountId).toBe(link.stripeAccountId);
    expect(new Date(link.expiresAt).getTime()).toBeGreaterThan(t.clock.now().getTime());
    expect((await creatorRow(creatorId)).stripeAccountId).toBe(link.stripeAccountId);
    const created = await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'creator.stripe_account_created'));
    expect(created.filter((e) => e.subjectId === creatorId)).toHaveLength(1);

    const again = (await asCreator('POST', '/api/creators/me/onboarding-link')).json();
    expect(again).toMatchObject({ stripeAccountId: link.stripeAccountId, state: 'not_started' });
    expect(again.url).not.toBe(link.url);

    const followed = await fetch(again.url, { redirect: 'manual' });
    expect(followed.headers.get('location')).toBe(`https://payouts.example.com/creator/onboarding/return?creatorId=${creatorId}`);
    await waitFor('account.updated to mark the creator onboarded', async () => (await creatorRow(creatorId)).payoutsEnabled);
    expect((await asCreator('GET', '/api/creators/me')).json()).toMatchObject({ stripeAccountId: link.stripeAccountId, onboarding: { state: 'complete' }, canContinueOnboarding: false });

    const done = await asCreator('POST', '/api/creators/me/onboarding-link');
    expect(done.statusCode).toBe(409);
    expect(done.json().error.code).toBe('ONBOARDING_ALREADY_COMPLETE');
  });

  it('POST /api/creators (an admin adding a creator) returns the onboarding link, also for a linked account that is not onboarded yet', async () => {
    const fresh = await t.app.inject({ method: 'POST', url: '/api/creators', headers: who.headers.admin, payload: { email: `new-${unique()}@example.test`, name: 'New' } });
    expect(fresh.statusCode).toBe(201);
    expect(fresh.json().onboardingUrl).toMatch(/^http/);

    const unfinished = await t.stripe.stripe.accounts.create({ type: 'express', email: 'unfinished@example.test' });
    const linked = await t.app.inject({ method: 'POST', url: '/api/creators', headers: who.headers.admin, payload: { email: `linked-${unique()}@example.test`, name: 'Linked', stripeAccountId: unfinished.id } });
    expect(linked.statusCode).toBe(201);
    const { onboardingUrl, creator } = linked.json();
    expect(creator).toMatchObject({ stripeAccountId: unfinished.id, payoutsEnabled: false });
    const followed = await fetch(onboardingUrl, { redirect: 'manual' });
    expect(followed.headers.get('location')).toBe(`https://payouts.example.com/creator/onboarding/return?creatorId=${creator.id}`);
  });
});
