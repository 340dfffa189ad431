import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabaseKind } from '../../test/database.js';
import { serveEmbedded, type Database } from './database.js';
import { migrationStatus, runMigrations } from './migrate.js';

let migrated: Database;
beforeAll(async () => {
  migrated = await createTestDatabase();
});
afterAll(async () => {
  await migrated?.close();
});

describe(`migrations on ${testDatabaseKind}`, () => {
  it('reports a template copy as up to date, and applying again changes nothing', async () => {
    const status = await migrationStatus(migrated);
    expect(status.upToDate).toBe(true);
    expect(status.applied).toBe(status.expected);
    expect(await runMigrations(migrated)).toEqual({ applied: 0 });
  });

  it('migrates an empty database, once, even when two runners start together', async () => {
    const empty = await serveEmbedded(await PGlite.create(), { description: 'empty', poolSize: 4 });
    try {
      expect((await migrationStatus(empty)).upToDate).toBe(false);
      const [a, b] = await Promise.all([runMigrations(empty), runMigrations(empty)]);
      const { expected } = await migrationStatus(empty);
      expect(a.applied + b.applied).toBe(expected);
      expect(await migrationStatus(empty)).toEqual({ applied: expected, expected, upToDate: true });
    } finally {
      await empty.close();
    }
  });
});
