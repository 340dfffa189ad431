import { and, count, eq, inArray } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/database.js';
import { creators, payments, users } from '../db/schema/index.js';
import type { App } from '../http/app.js';
import { AdjustableClock, waitFor } from '../providers/clock/index.js';
import type { StripeGateway } from '../providers/stripe/index.js';
import { createApiKey } from '../services/api-keys/create-api-key.js';
import { revokeApiKey } from '../services/api-keys/manage-api-keys.js';
import { createUser } from '../services/users/create-user.js';
import { setUserPassword } from '../services/users/set-user-password.js';

/** The demo's one password, for the admin and every creator: known on purpose (DEMO is refused in production). */
export const DEMO_PASSWORD = 'payouts-demo';

/** The demo's admin login. */
export const DEMO_ADMIN = { email: 'admin@demo.payouts.test', password: DEMO_PASSWORD } as const;

const HOUR = 3_600;
const DAY = 86_400;

/**
 * The demo's history is played in the past (`AdjustableClock.startInThePast`), then the clock
 * comes back to the present: creators were onboarded 40 days ago, so nothing the demo did is
 * recent enough for the limit rules (5 minutes between requests, 3 payouts a day) to stop a
 * person who logs in as Ana and asks for a payout at once. Each moment is in seconds before now.
 */
const HISTORY = {
  onboarding: 40 * DAY,
  /** Ana's and Ben's paid payout happens after this: the release runs, Ana asks, the admin pays. */
  release: 2 * DAY,
  /** Chloé asks for her workshop's earnings: a large first payout, flagged for approval. */
  chloeRequest: 1 * DAY,
  /** Ben asks: his request waits for an admin. */
  benRequest: 3 * HOUR,
} as const;

interface DemoBooking {
  /** Minor units of the default currency. */
  amount: number;
  /** Seconds before now the customer paid. */
  paidSecondsAgo: number;
}

interface DemoCreator {
  key: 'ana' | 'ben' | 'chloe';
  name: string;
  email: string;
  holdingPeriodHours?: number;
  locale?: string;
  bookings: readonly DemoBooking[];
}

/**
 * Three creators that show every state of the money path at a glance (docs/demo.md):
 * Ana — no holding period: paid out 2 days ago (PAID, a transfer in the sandbox), more available
 *   now: log in as her and request a payout;
 * Ben — no holding period: a payout request of 3 hours ago waiting for an admin to process it;
 * Chloé — French, the default 7-day hold: a workshop of 20 days ago whose earnings she asked for
 *   yesterday (a large first payout: in the approval queue), and recent earnings HELD with their
 *   release dates.
 */
export const DEMO_CREATORS: readonly DemoCreator[] = [
  {
    key: 'ana',
    name: 'Ana Lima',
    email: 'ana@demo.payouts.test',
    holdingPeriodHours: 0,
    bookings: [
      { amount: 7000, paidSecondsAgo: 3 * DAY },
      { amount: 12600, paidSecondsAgo: 3 * DAY - 2 * HOUR },
      { amount: 4500, paidSecondsAgo: 3 * DAY - 4 * HOUR },
    ],
  },
  {
    key: 'ben',
    name: 'Ben Okafor',
    email: 'ben@demo.payouts.test',
    holdingPeriodHours: 0,
    bookings: [
      { amount: 9000, paidSecondsAgo: 3 * DAY - 1 * HOUR },
      { amount: 3500, paidSecondsAgo: 3 * DAY - 3 * HOUR },
    ],
  },
  {
    key: 'chloe',
    name: 'Chloé Martin',
    email: 'chloe@demo.payouts.test',
    locale: 'fr',
    bookings: [
      { amount: 240000, paidSecondsAgo: 20 * DAY },
      { amount: 15000, paidSecondsAgo: 1 * DAY - 1 * HOUR },
      { amount: 8000, paidSecondsAgo: 3 * HOUR + 30 * 60 },
    ],
  },
];

/** What the demo's creators ask for (minor units): Ana's is paid at seeding, Ben's waits for an admin, Chloé's for approval. */
const REQUESTS = { ana: 15000, ben: 10000, chloe: 216000 } as const;

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
      /** Ana's paid payout, Ben's payout waiting for an admin, Chloé's waiting for approval (with the default limits; null if refused). */
      payouts: { paid: string; pending: string; pendingApproval: string | null };
      /** How long seeding took, in milliseconds. */
      durationMs: number;
    };

/**
 * Fill an empty database with a small, believable marketplace (docs/demo.md), through the
 * service's own HTTP API and the Stripe sandbox, as a host platform, its customers, Stripe and
 * an admin would: creators are onboarded (Express accounts), customers pay bookings with a test
 * card, the sandbox's signed webhooks record the payments, the release runs, payouts are
 * requested, one is processed by an admin (a real sandbox transfer), one waits for an admin and
 * one for approval. It happens over the last 40 days of the service's clock (see `HISTORY`), which
 * is back at the present when the seed returns. Written behind the API's back: the first admin,
 * the seed's own keys and the demo creators' published password — nothing that moves money, so
 * `payouts verify` holds.
 *
 * Seeds only a database without users (a restart, or a database somebody uses, is left alone),
 * with a clock that has never been moved.
 */
export async function seedDemoData(deps: DemoSeedDeps): Promise<DemoSeedResult> {
  const started = Date.now();
  const { app, database } = deps;
  const { config, clock } = app.deps;
  const context = { config, clock };
  const [existing] = await database.db.select({ users: count() }).from(users);
  if ((existing?.users ?? 0) > 0) return { seeded: false, reason: 'the database already has users' };
  if (!(clock instanceof AdjustableClock)) return { seeded: false, reason: 'the demo needs the adjustable clock to play its history in the past' };
  clock.startInThePast(HISTORY.onboarding);

  try {
    // The seed acts through two keys of its own, revoked when it is done: no secret outlives it or reaches a log.
    const { adminUserId, adminId, adminKey, platformId, platformKey } = await database.db.transaction(async (tx) => {
      // Its password comes with the creators' below: one scrypt hash for the demo's one password.
      const { user } = await createUser(tx, { email: DEMO_ADMIN.email, name: 'Demo Admin', role: 'ADMIN', actor: 'system:demo' }, context);
      const admin = await createApiKey(tx, { role: 'ADMIN', name: 'demo seeding (admin)', actor: 'system:demo' }, context);
      const platform = await createApiKey(tx, { role: 'PLATFORM', name: 'demo seeding (host platform)', actor: 'system:demo' }, context);
      return { adminUserId: user.id, adminId: admin.id, adminKey: admin.key, platformId: platform.id, platformKey: platform.key };
    });
    try {
      const seeded = await seedThroughTheApi({ ...deps, clock, adminUserId, adminKey, platformKey, started });
      return { seeded: true, ...seeded, durationMs: Date.now() - started };
    } finally {
      await database.db.transaction(async (tx) => {
        for (const id of [adminId, platformId]) await revokeApiKey(tx, { id, actor: 'system:demo', reason: 'demo seeding finished' }, context);
      });
    }
  } finally {
    // Back to the present, whatever happened.
    if (clock.offsetSeconds < 0) clock.advance(-clock.offsetSeconds);
  }
}

async function seedThroughTheApi(deps: DemoSeedDeps & { clock: AdjustableClock; adminUserId: string; adminKey: string; platformKey: string; started: number }) {
  const { app, database, stripe, logger, clock, adminUserId, adminKey, platformKey } = deps;
  const { config } = app.deps;
  const timeoutMs = deps.webhookTimeoutMs ?? 30_000;
  const call = async (method: 'GET' | 'POST', url: string, key: string, payload?: object) => {
    const reply = await app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload && { payload }) });
    if (reply.statusCode >= 300) throw new Error(`demo data: ${method} ${url} answered ${reply.statusCode} ${reply.body}`);
    return reply.json<Record<string, unknown>>();
  };
  /** Move the service's clock (and the sandbox's, which shares it) forward to `secondsAgo` before now. */
  const moveTo = (secondsAgo: number) => clock.advance(-clock.offsetSeconds - secondsAgo);

  // 40 days ago: the host platform onboards the three creators (in parallel), each "finishes onboarding"
  // on the sandbox's hosted page; they and the admin get the demo's published password.
  const onboarded = await Promise.all(
    DEMO_CREATORS.map(async (demo) => {
      const reply = (await call('POST', '/api/creators', platformKey, {
        email: demo.email,
        name: demo.name,
        ...(demo.holdingPeriodHours !== undefined && { holdingPeriodHours: demo.holdingPeriodHours }),
        ...(demo.locale && { locale: demo.locale }),
      })) as { user: { id: string }; creator: { id: string }; onboardingUrl?: string };
      if (reply.onboardingUrl) await fetch(reply.onboardingUrl, { redirect: 'manual' });
      return [demo.key, { userId: reply.user.id, creatorId: reply.creator.id }] as const;
    }),
  );
  const seededCreators = Object.fromEntries(onboarded) as Record<DemoCreator['key'], { userId: string; creatorId: string }>;
  const creatorIds = Object.values(seededCreators).map((c) => c.creatorId);
  // The scrypt hash runs while the sandbox's webhooks arrive.
  await Promise.all([
    setUserPassword(database.db, { userIds: [adminUserId, ...Object.values(seededCreators).map((c) => c.userId)], password: DEMO_PASSWORD, actor: 'system:demo' }, { clock }),
    waitFor(
      'the sandbox webhooks to mark the demo accounts ready for payouts',
      async () => (await database.db.select({ id: creators.id }).from(creators).where(and(inArray(creators.id, creatorIds), eq(creators.payoutsEnabled, true)))).length === creatorIds.length,
      { timeoutMs, intervalMs: 20 },
    ),
  ]);

  // Customers pay: each moment's bookings together, the sandbox's webhooks recorded before time moves on.
  const bookings = DEMO_CREATORS.flatMap((demo) => demo.bookings.map((booking, index) => ({ demo, booking, bookingId: `demo-${demo.key}-${index + 1}` })));
  let paidSoFar = 0;
  const payBookings = async (from: number, to: number) => {
    const due = bookings.filter(({ booking }) => booking.paidSecondsAgo <= from && booking.paidSecondsAgo > to);
    for (const moment of [...new Set(due.map(({ booking }) => booking.paidSecondsAgo))].sort((a, b) => b - a)) {
      moveTo(moment);
      await Promise.all(
        due
          .filter(({ booking }) => booking.paidSecondsAgo === moment)
          .map(({ demo, booking, bookingId }) =>
            stripe.payWithTestCard({ bookingId, creatorId: seededCreators[demo.key].creatorId, amount: BigInt(booking.amount), currency: config.defaultCurrency, description: `Session with ${demo.name}` }),
          ),
      );
    }
    paidSoFar += due.length;
    await waitFor(
      'the sandbox webhooks to record the demo payments',
      async () => (await database.db.select({ n: count() }).from(payments).where(inArray(payments.creatorId, creatorIds)))[0]?.n === paidSoFar,
      { timeoutMs, intervalMs: 20 },
    );
  };
  const tokenFor = async (key: DemoCreator['key']) => ((await call('POST', '/api/auth/tokens', platformKey, { userId: seededCreators[key].userId })) as { token: string }).token;
  const request = async (key: DemoCreator['key']) =>
    ((await call('POST', '/api/payouts/request', await tokenFor(key), { amount: REQUESTS[key] })) as { payout: { id: string; status: string } }).payout;

  await payBookings(HISTORY.onboarding, HISTORY.release);
  moveTo(HISTORY.release);
  await call('POST', '/api/payouts/update-status', adminKey);
  const paid = await request('ana');
  // Manual mode: a request waits as PENDING until an admin processes it (the transfer is made now).
  await call('POST', '/api/admin/payouts', adminKey, { payoutId: paid.id, notes: 'Demo: processed by the admin' });

  await payBookings(HISTORY.release, HISTORY.chloeRequest);
  moveTo(HISTORY.chloeRequest);
  // With the default limits a first payout above 2 000.00 waits for approval; other limits may let it
  // through or refuse it, which is no reason to leave the rest of the demo out.
  const pendingApproval = await request('chloe').catch((error: unknown) => {
    logger.warn({ err: error }, "DEMO: Chloé's payout request was refused under this configuration's limits; the demo goes on without it");
    return null;
  });

  await payBookings(HISTORY.chloeRequest, HISTORY.benRequest);
  moveTo(HISTORY.benRequest);
  const pending = await request('ben');
  await payBookings(HISTORY.benRequest, 0);
  moveTo(0);

  logger.warn(
    { admin: DEMO_ADMIN.email, creators: DEMO_CREATORS.map((c) => c.email), durationMs: Date.now() - deps.started },
    [
      'Demo data seeded (DEMO=0 turns this off; see docs/demo.md).',
      `  Logins (the demo's published password "${DEMO_PASSWORD}"): ${DEMO_ADMIN.email} (admin), ${DEMO_CREATORS.map((c) => c.email).join(', ')}`,
      `  Creators: ${DEMO_CREATORS.map((c) => `${c.name} (${seededCreators[c.key].creatorId})`).join(', ')}`,
      '  API keys: npx payouts api-keys create --role platform --name "my backend" (or POST /api/admin/api-keys)',
    ].join('\n'),
  );
  return { creators: seededCreators, payouts: { paid: paid.id, pending: pending.id, pendingApproval: pendingApproval?.id ?? null } };
}
