import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, serveEmbedded, type Database } from '../src/db/database.js';

/** Which database the suite runs on: PostgreSQL when DATABASE_URL is set, else PGlite. */
export const testDatabaseKind: Database['kind'] = process.env.DATABASE_URL ? 'postgres' : 'pglite';

/**
 * A fresh, migrated database of its own for a test file (or a test): a copy of the run's
 * template. Close it when done; on PostgreSQL closing also drops it.
 */
export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<Database & { url: string }> {
  const pgliteTemplate = inject('pgliteTemplate');
  const postgresTemplate = inject('postgresTemplate');
  if (postgresTemplate) {
    const serverUrl = process.env.DATABASE_URL;
    if (!serverUrl) throw new Error('postgres template provided but DATABASE_URL is unset');
    const name = `payouts_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    await withAdmin(serverUrl, (admin) => admin.query(`create database "${name}" template "${postgresTemplate}"`));
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const database = await openDatabase({ url: url.toString(), dataDir: '', poolSize: options.poolSize ?? 10 });
    return {
      ...database,
      url: url.toString(),
      close: async () => {
        await database.close();
        await withAdmin(serverUrl, (admin) => admin.query(`drop database if exists "${name}" with (force)`));
      },
    };
  }
  if (!pgliteTemplate) throw new Error('no test database template: is test/global-setup.ts configured in vitest.config.ts?');
  const pglite = await PGlite.create({ loadDataDir: new Blob([readFileSync(pgliteTemplate)]) });
  const database = await serveEmbedded(pglite, { description: 'test PGlite', poolSize: options.poolSize ?? 4 });
  return Object.assign(database, { url: database.connectionString });
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}
