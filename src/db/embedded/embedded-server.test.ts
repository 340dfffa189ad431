import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { serveEmbedded, type Database } from '../database.js';

// The embedded socket is PGlite-only; it runs whatever the suite's database is.
let database: Database;
beforeAll(async () => {
  database = await serveEmbedded(await PGlite.create(), { description: 'multiplexer test', poolSize: 8 });
  await database.pool.query('create table t (id int primary key, v text)');
});
afterAll(async () => {
  await database?.close();
});

describe('embedded PGlite behind the socket', () => {
  it('keeps parameterised queries of 8 connections apart', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        const client = await database.pool.connect();
        try {
          const seen: string[] = [];
          for (let i = 0; i < 40; i++) {
            const { rows } = await client.query<{ echo: string }>('select $1::text as echo', [`${w}-${i}`]);
            seen.push(rows[0]!.echo);
          }
          return seen;
        } finally {
          client.release();
        }
      }),
    );
    results.forEach((seen, w) => expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => `${w}-${i}`)));
  });

  it("isolates one connection's open transaction from the others", async () => {
    const a = await database.pool.connect();
    const b = await database.pool.connect();
    try {
      await a.query('begin');
      await a.query('insert into t values (1, $1)', ['from a']);
      let bDone = false;
      const bRead = b.query<{ n: number }>('select count(*)::int as n from t').then((r) => {
        bDone = true;
        return r.rows[0]!.n;
      });
      await new Promise((r) => setTimeout(r, 100));
      expect(bDone).toBe(false); // b waits for a's transaction to end: one session, no interleaving
      await a.query('rollback');
      expect(await bRead).toBe(0);
    } finally {
      a.release();
      b.release();
    }
  });

  it('rolls back the transaction of a client that disconnects mid-way', async () => {
    const client = new pg.Client({ connectionString: database.connectionString });
    await client.connect();
    await client.query('begin');
    await client.query("insert into t values (2, 'abandoned')");
    await client.end();
    const { rows } = await database.pool.query<{ n: number }>('select count(*)::int as n from t where id = 2');
    expect(rows[0]!.n).toBe(0);
  });
});
