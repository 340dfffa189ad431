import type { DbExecutor } from '../src/db/database.js';
import { creators, users } from '../src/db/schema/index.js';
import { newId } from '../src/domain/ids.js';

/** A creator user and profile written straight to the database, for tests of later steps. */
export async function insertCreator(
  db: DbExecutor,
  overrides: Partial<typeof creators.$inferInsert> & { email?: string; name?: string } = {},
): Promise<{ userId: string; creatorId: string }> {
  const userId = newId('usr');
  const creatorId = overrides.id ?? newId('cr');
  const now = new Date('2026-01-01T00:00:00Z');
  await db.insert(users).values({ id: userId, email: overrides.email ?? `${creatorId}@example.test`, name: overrides.name ?? `Creator ${creatorId}`, role: 'CREATOR', createdAt: now });
  const { email: _email, name: _name, ...profile } = overrides;
  await db.insert(creators).values({ currency: 'eur', createdAt: now, ...profile, id: creatorId, userId });
  return { userId, creatorId };
}

export interface PaymentEventFacts {
  creatorId: string;
  amount: number;
  currency?: string;
  /** null: no `bookingId` metadata; default: a fresh one. */
  bookingId?: null;
  email?: string | null;
  extraMetadata?: Record<string, string>;
  /** When the payment intent was created and the event sent. */
  at: Date;
}

/**
 * A `payment_intent.succeeded` event as Stripe sends it for a creator's booking (metadata
 * `creatorId`, `bookingId`), with fresh ids, for tests that ingest events without the sandbox.
 */
export function paymentIntentSucceededEvent(facts: PaymentEventFacts) {
  const tag = Math.random().toString(36).slice(2, 10);
  const created = Math.floor(facts.at.getTime() / 1000);
  const metadata: Record<string, string> = { creatorId: facts.creatorId, ...facts.extraMetadata };
  if (facts.bookingId !== null) metadata.bookingId = `bk_${tag}`;
  return {
    id: `evt_${tag}`,
    object: 'event',
    type: 'payment_intent.succeeded',
    created,
    data: {
      object: {
        id: `pi_${tag}`,
        object: 'payment_intent',
        amount: facts.amount,
        amount_received: facts.amount,
        currency: facts.currency ?? 'eur',
        status: 'succeeded',
        created,
        latest_charge: `ch_${tag}`,
        receipt_email: facts.email ?? null,
        metadata,
      },
    },
  };
}
