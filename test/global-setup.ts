import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase, serveEmbedded } from '../src/db/database.js';
import { runMigrations } from '../src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PostgreSQL mode: the migrated template database each test file copies. */
    postgresTemplate: string | null;
    /** PGlite mode: a tarball of a migrated data directory each test file loads. */
    pgliteTemplate: string | null;
  }
}

/**
 * Migrate once per run, then let every test file start from a copy (DESIGN.md §9): with
 * DATABASE_URL set, a PostgreSQL template database on that server; without, a PGlite dump.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const template = `payouts_template_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database "${template}"`);
    const target = new URL(url);
    target.pathname = `/${template}`;
    const database = await openDatabase({ url: target.toString(), dataDir: '' });
    await runMigrations(database);
    await database.close();
    project.provide('postgresTemplate', template);
    project.provide('pgliteTemplate', null);
    return async () => {
      await admin.query(`drop database if exists "${template}" with (force)`);
      await admin.end();
    };
  }
  const pglite = await PGlite.create();
  const database = await serveEmbedded(pglite, { description: 'test template' });
  await runMigrations(database);
  const dump = await pglite.dumpDataDir('none');
  const dir = mkdtempSync(join(tmpdir(), 'payouts-template-'));
  const file = join(dir, 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await database.close();
  project.provide('pgliteTemplate', file);
  project.provide('postgresTemplate', null);
  return async () => rmSync(dir, { recursive: true, force: true });
}
