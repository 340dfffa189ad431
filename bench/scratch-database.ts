import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../src/db/database.js';
import { runMigrations } from '../src/db/migrate.js';

export type BenchDatabaseKind = Database['kind'];

/** A fresh, migrated database that exists only for one benchmark run; `drop()` removes every trace. */
export interface ScratchDatabase {
  readonly database: Database;
  /** Where it lives, for the report: the scratch database's name or the temporary directory. */
  readonly location: string;
  drop(): Promise<void>;
}

/** The server a PostgreSQL benchmark creates its scratch database on (connected to as an admin). */
export function benchAdminUrl(): string {
  return process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

/**
 * PostgreSQL: `CREATE DATABASE payouts_bench_<timestamp>` through the admin URL, dropped (with
 * force) by `drop()`. PGlite: a fresh temporary data directory, removed by `drop()`.
 */
export async function createScratchDatabase(kind: BenchDatabaseKind, poolSize: number): Promise<ScratchDatabase> {
  return kind === 'postgres' ? createPostgresScratch(poolSize) : createPgliteScratch(poolSize);
}

async function createPostgresScratch(poolSize: number): Promise<ScratchDatabase> {
  const adminUrl = benchAdminUrl();
  const stamp = new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 17);
  const name = `payouts_bench_${stamp}_${process.pid}`;
  await withAdmin(adminUrl, (admin) => admin.query(`create database "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let database: Database | undefined;
  const drop = async () => {
    await database?.close();
    await withAdmin(adminUrl, (admin) => admin.query(`drop database if exists "${name}" with (force)`));
  };
  try {
    database = await openDatabase({ url: url.toString(), dataDir: '', poolSize });
    await runMigrations(database);
    return { database, location: `database ${name} on ${url.hostname}:${url.port || 5432}`, drop };
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
}

async function createPgliteScratch(poolSize: number): Promise<ScratchDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'payouts-bench-'));
  let database: Database | undefined;
  const drop = async () => {
    try {
      await database?.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
  try {
    database = await openDatabase({ dataDir, poolSize });
    await runMigrations(database);
    return { database, location: `data directory ${dataDir}`, drop };
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
}

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
