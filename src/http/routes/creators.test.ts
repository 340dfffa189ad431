import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { auditEvents, creators, users } from '../../db/schema/index.js';
import { createApiKey } from '../../services/api-keys/create-api-key.js';

let t: TestApp;
let platformKey: string;
let adminKey: string;

const unique = () => Math.random().toString(36).slice(2);
const post = (body: unknown, key = platformKey) =>
  t.app.inject({ method: 'POST', url: '/api/creators', headers: { authorization: `Bearer ${key}` }, payload: body as Record<string, unknown> });

beforeAll(async () => {
  t = await createTestApp({ sandbox: true, env: { APP_URL: 'https://payouts.example.com', PAYOUT_MODE: 'manual', DEFAULT_CURRENCY: 'eur' } });
  const key = async (role: 'ADMIN' | 'PLATFORM') =>
    (await t.database.db.transaction((tx) => createApiKey(tx, { role, name: role, actor: 'test' }, { clock: t.clock }))).key;
  platformKey = await key('PLATFORM');
  adminKey = await key('ADMIN');
});

afterAll(async () => {
  expect(t?.testSandbox?.violations() ?? []).toEqual([]);
  await t?.close();
});

describe(`POST /api/creators on ${testDatabaseKind}`, () => {
  it('creates a creator with a new Express account and returns its onboarding link', async () => {
    const email = `ana-${unique()}@example.test`;
    const response = await post({ email, name: 'Ana', holdingPeriodHours: 72, feePercentage: 12.5, locale: 'fr-FR' });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({
      user: { id: expect.stringMatching(/^usr_/), email, name: 'Ana', role: 'CREATOR', creatorId: body.creator.id },
      creator: {
        id: expect.stringMatching(/^cr_/),
        stripeAccountId: expect.stringMatching(/^acct_/),
        chargesEnabled: false,
        payoutsEnabled: false,
        holdingPeriodHours: 72,
        feePercentage: 12.5,
        payoutMode: null,
        locale: 'fr-FR',
        currency: 'eur',
      },
      onboardingUrl: expect.stringMatching(/^http/),
    });

    const account = await t.stripe.retrieveAccount(body.creator.stripeAccountId);
    expect(account.type).toBe('express');
    expect(account.email).toBe(email);
    expect(account.metadata).toMatchObject({ creatorId: body.creator.id });
    // PAYOUT_MODE=manual: Stripe's own schedule pays the bank; the service does not.
    expect(account.settings?.payouts?.schedule?.interval).not.toBe('manual');

    const [row] = await t.database.db.select().from(creators).where(eq(creators.id, body.creator.id));
    expect(row).toMatchObject({ feeBps: 1250, holdingPeriodHours: 72, userId: body.user.id });
    const [user] = await t.database.db.select().from(users).where(eq(users.id, body.user.id));
    expect(user!.passwordHash).toBeNull();

    const events = await t.database.db.select().from(auditEvents).where(eq(auditEvents.subjectId, body.creator.id));
    expect(events.map((e) => [e.action, e.actor])).toEqual([['creator.created', expect.stringMatching(/^api_key:key_/)]]);
  });

  it('the onboarding link leads back to APP_URL once followed, and the account is then onboarded', async () => {
    const response = await post({ email: `bo-${unique()}@example.test`, name: 'Bo' });
    const { onboardingUrl, creator } = response.json();
    const followed = await fetch(onboardingUrl, { redirect: 'manual' });
    expect([302, 303]).toContain(followed.status);
    expect(followed.headers.get('location')).toBe(`https://payouts.example.com/creator/onboarding/return?creatorId=${creator.id}`);
    const account = await t.stripe.retrieveAccount(creator.stripeAccountId);
    expect(account.details_submitted).toBe(true);
  });

  it('in automatic mode the new Express account gets a manual payout schedule (the service pays out to the bank)', async () => {
    const response = await post({ email: `cy-${unique()}@example.test`, name: 'Cy', payoutMode: 'automatic' });
    expect(response.statusCode).toBe(201);
    const account = await t.stripe.retrieveAccount(response.json().creator.stripeAccountId);
    expect(account.settings?.payouts?.schedule?.interval).toBe('manual');
  });

  it('links an existing connected account, recording its status, with no onboarding link', async () => {
    const existing = await t.stripe.stripe.accounts.create({ type: 'express', email: 'existing@example.test' });
    await t.testSandbox!.control('POST', `/_sandbox/accounts/${existing.id}/onboard`);

    const response = await post({ email: `di-${unique()}@example.test`, name: 'Di', stripeAccountId: existing.id, payoutMode: 'automatic' }, adminKey);
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.onboardingUrl).toBeUndefined();
    expect(body.creator).toMatchObject({ stripeAccountId: existing.id, chargesEnabled: true, payoutsEnabled: true, detailsSubmitted: true, payoutMode: 'automatic' });
    // Linked in automatic mode: the schedule is switched to manual (seed 004 §6).
    expect((await t.stripe.retrieveAccount(existing.id)).settings?.payouts?.schedule?.interval).toBe('manual');

    const again = await post({ email: `di2-${unique()}@example.test`, name: 'Di 2', stripeAccountId: existing.id });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('STRIPE_ACCOUNT_TAKEN');
  });

  it('answers 422 STRIPE_ACCOUNT_NOT_FOUND for an account Stripe does not know, and stores nothing', async () => {
    const email = `ed-${unique()}@example.test`;
    const response = await post({ email, name: 'Ed', stripeAccountId: 'acct_doesnotexist123' });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('STRIPE_ACCOUNT_NOT_FOUND');
    expect(await t.database.db.select().from(users).where(eq(users.email, email))).toHaveLength(0);
  });

  it('refuses a taken email whatever its case with 409 EMAIL_TAKEN, before creating any Stripe account', async () => {
    const email = `fay-${unique()}@example.test`;
    expect((await post({ email, name: 'Fay' })).statusCode).toBe(201);
    const before = (await t.stripe.stripe.accounts.list({ limit: 100 })).data.length;
    const again = await post({ email: email.toUpperCase(), name: 'Fay again' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('EMAIL_TAKEN');
    expect((await t.stripe.stripe.accounts.list({ limit: 100 })).data.length).toBe(before);
  });

  it.each([
    ['no email', { name: 'X' }, 'email'],
    ['a bad email', { email: 'not-an-email', name: 'X' }, 'email'],
    ['an empty name', { email: 'x@example.test', name: '  ' }, 'name'],
    ['a bad account id', { email: 'x@example.test', name: 'X', stripeAccountId: 'ba_123' }, 'stripeAccountId'],
    ['a negative hold', { email: 'x@example.test', name: 'X', holdingPeriodHours: -1 }, 'holdingPeriodHours'],
    ['a fee over 100 %', { email: 'x@example.test', name: 'X', feePercentage: 101 }, 'feePercentage'],
    ['a fee with 3 decimals', { email: 'x@example.test', name: 'X', feePercentage: 1.234 }, 'feePercentage'],
    ['an unknown payout mode', { email: 'x@example.test', name: 'X', payoutMode: 'weekly' }, 'payoutMode'],
    ['an unknown field', { email: 'x@example.test', name: 'X', role: 'ADMIN' }, 'role'],
  ])('400 VALIDATION_ERROR for %s', async (_what, body, param) => {
    const response = await post(body);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_ERROR');
    expect(response.json().error.details.issues.map((i: { param: string }) => i.param)).toContain(param);
  });

  it('is for PLATFORM and ADMIN only', async () => {
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/creators', payload: { email: 'x@example.test', name: 'X' } });
    expect(anonymous.statusCode).toBe(401);
    const cron = await t.app.inject({
      method: 'POST',
      url: '/api/creators',
      headers: { authorization: 'Bearer test-cron-secret-0123456789' },
      payload: { email: 'x@example.test', name: 'X' },
    });
    expect(cron.statusCode).toBe(403);
  });

  it('is in the OpenAPI document', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/creators', '/api/auth/login', '/api/auth/me', '/api/auth/logout', '/api/auth/tokens']));
    expect(spec.paths['/api/creators'].post.requestBody.content['application/json'].schema.required).toEqual(['email', 'name']);
  });
});
