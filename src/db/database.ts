import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema/index.js';
import { acquireDataDirLock, readDataDirOwner, type DataDirLock } from './embedded/data-dir-lock.js';
import { startEmbeddedServer, type EmbeddedServer } from './embedded/embedded-server.js';

export type Db = NodePgDatabase<typeof schema>;
/** A database handle or an open transaction: use cases take this so they compose in one transaction. */
export type DbExecutor = Pick<Db, 'execute' | 'select' | 'insert' | 'update' | 'delete' | 'transaction'>;

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly pool: pg.Pool;
  readonly db: Db;
  /** A human description without secrets: "PostgreSQL 127.0.0.1:5432/payouts" or "embedded PGlite in ./data". */
  readonly description: string;
  /** How another client (pg-boss, a spawned CLI) reaches the same database. May hold a password: never log it. */
  readonly connectionString: string;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A postgres:// URL; unset: embedded PGlite in `dataDir`. */
  url?: string | undefined;
  dataDir: string;
  /**
   * Embedded mode when a live server already owns `dataDir`: `'refuse'` (a server) throws
   * DATA_DIR_LOCKED; `'share'` (a CLI command) connects through the owner's socket.
   */
  whenLocked?: 'refuse' | 'share';
  poolSize?: number;
}

/** bigint columns come back as exact `bigint`s (pg's default is a string); set per pool, not globally. */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 && format !== 'binary'
      ? (value: string) => BigInt(value)
      : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * Open the service's database: PostgreSQL through a `pg` pool when a URL is given, else PGlite
 * in `dataDir` served on a loopback port so that the same pool, driver and SQL run on both.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.url) {
    const pool = createPool(options.url, options.poolSize ?? 10);
    const target = new URL(options.url);
    return wrap('postgres', pool, `PostgreSQL ${target.hostname}:${target.port || 5432}${target.pathname}`, async () => {
      await pool.end();
    });
  }
  const dataDir = resolve(options.dataDir);
  const owner = readDataDirOwner(dataDir);
  if (owner?.port && options.whenLocked === 'share') {
    const pool = createPool(`postgres://postgres@127.0.0.1:${owner.port}/postgres`, 2);
    return wrap('pglite', pool, `embedded PGlite in ${dataDir} (through the server with pid ${owner.pid})`, async () => {
      await pool.end();
    });
  }
  const lock = acquireDataDirLock(dataDir);
  try {
    // 32 MB of shared buffers instead of PGlite's 128 MB: clearing them is most of its start-up time
    // (about 0.4 s), and the embedded database of one service fits (bench/README.md "Start-up").
    const pglite = await PGlite.create(resolve(dataDir, 'pglite'), { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'] });
    return await serveEmbedded(pglite, { description: `embedded PGlite in ${dataDir}`, lock, poolSize: options.poolSize });
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * Serve an already-created PGlite (a data directory, or an in-memory copy of the test
 * template) through the embedded socket, with a pool on top. Closing stops all three.
 */
export async function serveEmbedded(
  pglite: PGlite,
  options: { description: string; lock?: DataDirLock; poolSize?: number | undefined },
): Promise<Database> {
  let server: EmbeddedServer | undefined;
  try {
    server = await startEmbeddedServer(pglite);
    options.lock?.setPort(server.port);
    const pool = createPool(server.connectionString, options.poolSize ?? 4);
    const started = server;
    return wrap('pglite', pool, options.description, async () => {
      await pool.end();
      await started.stop();
      await pglite.close();
      options.lock?.release();
    });
  } catch (error) {
    await server?.stop();
    await pglite.close();
    throw error;
  }
}

function createPool(connectionString: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, types: typeParsers, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 });
  // An idle client that loses its server must not crash the process; the next checkout reconnects.
  pool.on('error', () => {});
  return pool;
}

function wrap(kind: Database['kind'], pool: pg.Pool, description: string, close: () => Promise<void>): Database {
  let closing: Promise<void> | undefined;
  return {
    kind,
    pool,
    connectionString: (pool.options as { connectionString: string }).connectionString,
    db: drizzle(pool, { schema }),
    description,
    close: () => (closing ??= close()),
  };
}
