import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabaseKind } from '../../test/database.js';
import type { Database } from './database.js';
import { retryOnLostRace, sqlStateOf, transactionWithRetry } from './transaction-with-retry.js';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.execute(sql`create table retry_probe (id int primary key, n int not null)`);
  await database.db.execute(sql`insert into retry_probe values (1, 0)`);
});
afterAll(async () => {
  await database?.close();
});

/** A real PostgreSQL error with this SQLSTATE, raised inside the transaction (and rolling it back). */
const raise = (state: string) => sql.raw(`do $$ begin raise exception 'probe' using errcode = '${state}'; end $$`);

describe(`transactionWithRetry on ${testDatabaseKind}`, () => {
  it('runs a transaction that was the victim of a deadlock again, its first try rolled back', async () => {
    let tries = 0;
    const result = await transactionWithRetry(
      database.db,
      async (tx) => {
        tries += 1;
        await tx.execute(sql`update retry_probe set n = n + 1 where id = 1`);
        if (tries === 1) await tx.execute(raise('40P01'));
        return tries;
      },
      { sleep: async () => {} },
    );
    expect(result).toBe(2);
    const [row] = (await database.db.execute(sql`select n from retry_probe where id = 1`)).rows as { n: number }[];
    expect(row!.n).toBe(1); // the first try's update was rolled back
  });

  it('gives up after its attempts, and never retries another error', async () => {
    let tries = 0;
    const failing = transactionWithRetry(database.db, async (tx) => {
      tries += 1;
      await tx.execute(raise('40001'));
    }, { attempts: 3, sleep: async () => {} });
    await expect(failing).rejects.toSatisfy((error: unknown) => sqlStateOf(error) === '40001');
    expect(tries).toBe(3);

    let other = 0;
    await expect(
      transactionWithRetry(database.db, async (tx) => {
        other += 1;
        await tx.execute(raise('23505'));
      }, { sleep: async () => {} }),
    ).rejects.toSatisfy((error: unknown) => sqlStateOf(error) === '23505');
    expect(other).toBe(1);
  });
});

describe('retryOnLostRace', () => {
  it('pauses longer before each try, within its unit, and answers the try that won', async () => {
    const pauses: number[] = [];
    let tries = 0;
    const result = await retryOnLostRace(
      async () => {
        tries += 1;
        if (tries < 3) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
        return 'done';
      },
      { pauseMs: 20, sleep: async (ms) => void pauses.push(ms) },
    );
    expect(result).toBe('done');
    expect(pauses).toHaveLength(2);
    expect(pauses[0]).toBeGreaterThanOrEqual(20);
    expect(pauses[0]).toBeLessThanOrEqual(100);
    expect(pauses[1]).toBeGreaterThanOrEqual(40);
    expect(pauses[1]).toBeLessThanOrEqual(200);
  });
});
