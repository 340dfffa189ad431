/**
 * Release N due payments (HELD → READY with their ledger entries and audit events) through the
 * service's `releaseDuePayments`, on PostgreSQL and on embedded PGlite, and print the time.
 * Target (issue 4): 1,000,000 payments in at most 60 s on PostgreSQL.
 *
 *   npx tsx bench/release-holds.ts [--payments 1000000] [--creators 10000] [--db postgres|pglite|both] [--batch 20000]
 *
 * The payments and the creators' held balances are loaded set-based first (not timed).
 */
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { creatorAccount, platformAccount, postBatch, verifyLedger, type LedgerEntryInput } from '../src/ledger/index.js';
import { AdjustableClock } from '../src/providers/clock/index.js';
import { releaseDuePayments } from '../src/services/payments/release-due-payments.js';
import { createScratchDatabase, type BenchDatabaseKind } from './scratch-database.js';

const { values } = parseArgs({
  options: {
    payments: { type: 'string', default: '1000000' },
    'pglite-payments': { type: 'string', default: '100000' },
    creators: { type: 'string', default: '10000' },
    db: { type: 'string', default: 'both' },
    batch: { type: 'string', default: '50000' },
  },
});
const creators = Number(values.creators);
const batchSize = Number(values.batch);
const kinds: BenchDatabaseKind[] = values.db === 'both' ? ['postgres', 'pglite'] : [values.db as BenchDatabaseKind];
const share = 900n; // each payment: 10.00 EUR, 1.00 fee, 9.00 for the creator

async function run(kind: BenchDatabaseKind): Promise<{ kind: string; payments: number; seconds: number; perSecond: number; verified: boolean }> {
  const payments = Number(kind === 'pglite' && values.db === 'both' ? values['pglite-payments'] : values.payments);
  const scratch = await createScratchDatabase(kind, 4);
  const { db } = scratch.database;
  try {
    process.stdout.write(`${kind}: loading ${payments.toLocaleString('en')} held payments over ${creators.toLocaleString('en')} creators … `);
    const loadStart = performance.now();
    const paidAt = new Date('2026-01-01T00:00:00Z');
    await db.execute(sql`
      insert into users (id, email, name, role, created_at)
      select 'usr_b' || i, 'bench' || i || '@example.test', 'Bench creator ' || i, 'CREATOR', ${paidAt.toISOString()}::timestamptz
      from generate_series(1, ${creators}) as i`);
    await db.execute(sql`
      insert into creators (id, user_id, currency, created_at)
      select 'cr_b' || i, 'usr_b' || i, 'eur', ${paidAt.toISOString()}::timestamptz from generate_series(1, ${creators}) as i`);
    await db.execute(sql`
      insert into payments (id, creator_id, external_id, amount, currency, fee_amount, creator_amount, status, paid_at, payout_release_date, created_at, updated_at)
      select 'pay_b' || i, 'cr_b' || (1 + i % ${creators}), 'pi_b' || i, 1000, 'eur', 100, 900, 'HELD',
             ${paidAt.toISOString()}::timestamptz, ${paidAt.toISOString()}::timestamptz + interval '7 days',
             ${paidAt.toISOString()}::timestamptz, ${paidAt.toISOString()}::timestamptz
      from generate_series(1, ${payments}) as i`);
    const counts = await db.execute<{ creator_id: string; n: number }>(sql`select creator_id, count(*)::int as n from payments group by creator_id`);
    const funding: LedgerEntryInput[] = counts.rows.map((r) => ({
      key: `bench-fund:${r.creator_id}`,
      kind: 'payment.received',
      effectiveAt: paidAt,
      postings: [
        { account: platformAccount('stripe_balance', 'eur'), debit: BigInt(r.n) * 1000n },
        { account: creatorAccount(r.creator_id, 'held', 'eur'), credit: BigInt(r.n) * share },
        { account: platformAccount('fees', 'eur'), credit: BigInt(r.n) * 100n },
      ],
    }));
    for (let i = 0; i < funding.length; i += 5000) await db.transaction((tx) => postBatch(tx, funding.slice(i, i + 5000)));
    await db.execute(sql`analyze`);
    console.log(`${((performance.now() - loadStart) / 1000).toFixed(1)} s`);

    const clock = new AdjustableClock();
    const start = performance.now();
    const result = await releaseDuePayments(db, { actor: 'system:bench', batchSize, listLimit: 0 }, { clock });
    const seconds = (performance.now() - start) / 1000;
    if (result.updatedCount !== payments) throw new Error(`released ${result.updatedCount}, expected ${payments}`);
    console.log(`${kind}: released ${payments.toLocaleString('en')} payments in ${seconds.toFixed(1)} s (${Math.round(payments / seconds).toLocaleString('en')}/s, batches of ${batchSize.toLocaleString('en')})`);

    const verification = await verifyLedger(db);
    const held = await db.execute<{ n: bigint }>(sql`select coalesce(sum(balance), 0)::bigint as n from ledger_balances where account_code like 'creator:%:held:eur'`);
    const ok = verification.ok && BigInt(held.rows[0]?.n ?? -1n) === 0n;
    console.log(`${kind}: ledger invariants ${verification.ok ? 'hold' : 'BROKEN'}; held balances ${ok ? 'all zero' : 'NOT zero'}`);
    return { kind, payments, seconds, perSecond: payments / seconds, verified: ok };
  } finally {
    await scratch.drop();
  }
}

const results = [];
for (const kind of kinds) results.push(await run(kind));
console.log('\n| database | payments | seconds | payments/s | verified |\n| --- | ---: | ---: | ---: | --- |');
for (const r of results) console.log(`| ${r.kind} | ${r.payments.toLocaleString('en')} | ${r.seconds.toFixed(1)} | ${Math.round(r.perSecond).toLocaleString('en')} | ${r.verified ? 'yes' : 'NO'} |`);
if (results.some((r) => !r.verified)) process.exit(1);
