import { count, inArray } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/database.js';
import { creators, payments, users } from '../db/schema/index.js';
import type { App } from '../http/app.js';
import { waitFor } from '../providers/clock/index.js';
import type { StripeGateway } from '../providers/stripe/index.js';
import { createApiKey } from '../services/api-keys/create-api-key.js';
import { revokeApiKey } from '../services/api-keys/manage-api-keys.js';
import { createUser } from '../services/users/create-user.js';

/** The demo's login: known on purpose (DEMO is refused in production). */
export const DEMO_ADMIN = { email: 'admin@demo.payouts.test', password: 'payouts-demo' } as const;

interface DemoCreator {
  key: 'ana' | 'ben' | 'chloe';
  name: string;
  email: string;
  holdingPeriodHours?: number;
  locale?: string;
  /** Bookings paid by customers: minor units in the default currency. */
  bookings: number[];
}

/**
 * Three creators that show every state of the money path at a glance:
 * Ana — no holding period: paid out once (PAID, a transfer in the sandbox), more available;
 * Ben — no holding period: a payout request waiting for an admin to process it;
 * Chloé — the default hold, French: earnings HELD with their release dates.
 */
export const DEMO_CREATORS: readonly DemoCreator[] = [
  { key: 'ana', name: 'Ana Lima', email: 'ana@demo.payouts.test', holdingPeriodHours: 0, bookings: [7000, 12600, 4500] },
  { key: 'ben', name: 'Ben Okafor', email: 'ben@demo.payouts.test', holdingPeriodHours: 0, bookings: [9000, 3500] },
  { key: 'chloe', name: 'Chloé Martin', email: 'chloe@demo.payouts.test', locale: 'fr', bookings: [15000, 8000] },
];

export interface DemoSeedDeps {
  app: App;
  database: Database;
  stripe: StripeGateway;
  logger: FastifyBaseLogger;
  /** How long to wait for the sandbox's webhooks to record what the demo did (default 30 s). */
  webhookTimeoutMs?: number;
}

export type DemoSeedResult =
  | { seeded: false; reason: string }
  | {
      seeded: true;
      creators: Record<DemoCreator['key'], { userId: string; creatorId: string }>;
      /** Ana's paid payout and Ben's payout waiting for an admin. */
      payouts: { paid: string; pending: string };
    };

/**
 * Fill an empty database with a small, believable marketplace (docs/demo.md), through the
 * service's own HTTP API and the Stripe sandbox, as a host platform, its customers, Stripe and
 * an admin would: creators are onboarded (Express accounts), customers pay bookings with a test
 * card, the sandbox's signed webhooks record the payments, the release runs, one payout is
 * requested and processed by an admin (a real sandbox transfer) and another waits for one. Nothing is
 * written behind the API's back except the first admin and its keys, so `payouts verify` holds.
 *
 * Seeds only a database without users: a restart, or a database somebody uses, is left alone.
 */
export async function seedDemoData(deps: DemoSeedDeps): Promise<DemoSeedResult> {
  const { app, database } = deps;
  const { config, clock } = app.deps;
  const context = { config, clock };
  const [existing] = await database.db.select({ users: count() }).from(users);
  if ((existing?.users ?? 0) > 0) return { seeded: false, reason: 'the database already has users' };

  // The seed acts through two keys of its own, revoked when it is done: no secret outlives it or reaches a log.
  const { adminId, adminKey, platformId, platformKey } = await database.db.transaction(async (tx) => {
    await createUser(tx, { email: DEMO_ADMIN.email, name: 'Demo Admin', role: 'ADMIN', password: DEMO_ADMIN.password, actor: 'system:demo' }, context);
    const admin = await createApiKey(tx, { role: 'ADMIN', name: 'demo seeding (admin)', actor: 'system:demo' }, context);
    const platform = await createApiKey(tx, { role: 'PLATFORM', name: 'demo seeding (host platform)', actor: 'system:demo' }, context);
    return { adminId: admin.id, adminKey: admin.key, platformId: platform.id, platformKey: platform.key };
  });
  try {
    return await seedThroughTheApi({ ...deps, adminKey, platformKey });
  } finally {
    await database.db.transaction(async (tx) => {
      for (const id of [adminId, platformId]) await revokeApiKey(tx, { id, actor: 'system:demo', reason: 'demo seeding finished' }, context);
    });
  }
}

async function seedThroughTheApi(deps: DemoSeedDeps & { adminKey: string; platformKey: string }): Promise<DemoSeedResult> {
  const { app, database, stripe, logger, adminKey, platformKey } = deps;
  const { config } = app.deps;
  const call = async (method: 'GET' | 'POST', url: string, key: string, payload?: object) => {
    const reply = await app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload && { payload }) });
    if (reply.statusCode >= 300) throw new Error(`demo data: ${method} ${url} answered ${reply.statusCode} ${reply.body}`);
    return reply.json<Record<string, unknown>>();
  };

  const seededCreators = {} as Record<DemoCreator['key'], { userId: string; creatorId: string }>;
  for (const demo of DEMO_CREATORS) {
    const onboarded = await call('POST', '/api/creators', platformKey, {
      email: demo.email,
      name: demo.name,
      ...(demo.holdingPeriodHours !== undefined && { holdingPeriodHours: demo.holdingPeriodHours }),
      ...(demo.locale && { locale: demo.locale }),
    });
    const { user, creator, onboardingUrl } = onboarded as { user: { id: string }; creator: { id: string }; onboardingUrl?: string };
    seededCreators[demo.key] = { userId: user.id, creatorId: creator.id };
    // The creator "finishes onboarding": the sandbox's hosted page does it on a visit.
    if (onboardingUrl) await fetch(onboardingUrl, { redirect: 'manual' });
  }

  let bookings = 0;
  for (const demo of DEMO_CREATORS) {
    for (const [index, amount] of demo.bookings.entries()) {
      bookings++;
      await stripe.payWithTestCard({
        bookingId: `demo-${demo.key}-${index + 1}`,
        creatorId: seededCreators[demo.key].creatorId,
        amount: BigInt(amount),
        currency: config.defaultCurrency,
        description: `Session with ${demo.name}`,
      });
    }
  }
  const creatorIds = Object.values(seededCreators).map((c) => c.creatorId);
  await waitFor(
    'the sandbox webhooks to record the demo payments and accounts',
    async () => {
      const [recorded] = await database.db.select({ n: count() }).from(payments).where(inArray(payments.creatorId, creatorIds));
      const ready = await database.db.select({ payoutsEnabled: creators.payoutsEnabled }).from(creators).where(inArray(creators.id, creatorIds));
      return recorded?.n === bookings && ready.every((c) => c.payoutsEnabled);
    },
    { timeoutMs: deps.webhookTimeoutMs ?? 30_000, intervalMs: 100 },
  );

  await call('POST', '/api/payouts/update-status', adminKey);
  const tokenFor = async (userId: string) => ((await call('POST', '/api/auth/tokens', platformKey, { userId })) as { token: string }).token;
  const request = async (key: DemoCreator['key'], amount: number) =>
    ((await call('POST', '/api/payouts/request', await tokenFor(seededCreators[key].userId), { amount })) as { payout: { id: string } }).payout.id;

  const paid = await request('ana', 15000);
  // Manual mode: a request waits as PENDING until an admin processes it (the transfer is made now).
  await call('POST', '/api/admin/payouts', adminKey, { payoutId: paid, notes: 'Demo: processed at seeding' });
  const pending = await request('ben', 10000);

  logger.warn(
    { admin: DEMO_ADMIN.email, creators: DEMO_CREATORS.map((c) => c.email) },
    [
      'Demo data seeded (DEMO=0 turns this off; see docs/demo.md).',
      `  Admin login (the demo's published password): ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}`,
      `  Creators: ${DEMO_CREATORS.map((c) => `${c.name} (${seededCreators[c.key].creatorId})`).join(', ')}`,
      '  API keys: npx payouts api-keys create --role platform --name "my backend" (or POST /api/admin/api-keys)',
    ].join('\n'),
  );
  return { seeded: true, creators: seededCreators, payouts: { paid, pending } };
}
