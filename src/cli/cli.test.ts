import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/database.js';
import { loadConfig } from '../config/config.js';
import type { Database } from '../db/database.js';
import { lockFilePath } from '../db/embedded/data-dir-lock.js';
import { createLogger } from '../http/logger.js';
import { StripeGateway } from '../providers/stripe/index.js';
import { startTestSandbox } from '../sandbox/testing/test-sandbox.js';
import { startServer } from './serve.js';

/** The real executable, as `npx payouts` runs it. */
const bin = fileURLToPath(new URL('../../bin/payouts.js', import.meta.url));

/** The child's environment: this process's, minus anything that would pick another database or port. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info', ...extra };
  for (const name of ['DATABASE_URL', 'DATA_DIR', 'PORT', 'HOST'] as const) if (!(name in extra)) delete env[name];
  return env;
}

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function collect(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Run `payouts <args>` to completion. Asynchronous on purpose: the test database may live in this process. */
function payouts(args: string[], env: Record<string, string>): Promise<Finished> {
  return collect(spawn(process.execPath, [bin, ...args], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Start `payouts serve` and wait for the log line that gives its URL. */
async function startServe(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; finished: Promise<Finished> }> {
  const child = spawn(process.execPath, [bin, 'serve'], { env: childEnv({ PORT: '0', HOST: '127.0.0.1', STRIPE_SANDBOX_PORT: '0', ...env }), stdio: ['ignore', 'pipe', 'pipe'] });
  const finished = collect(child);
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (const line of buffered.split('\n')) {
        const match = /"url":"(http:\/\/[^"]+)"/.exec(line);
        if (match?.[1]) {
          child.stdout?.off('data', onData);
          resolve(match[1]);
        }
      }
    };
    child.stdout?.on('data', onData);
    finished.then((result) => reject(new Error(`serve exited ${result.code} before listening:\n${result.stdout}\n${result.stderr}`)), reject);
  });
  return { url, child, finished };
}

describe('payouts CLI', () => {
  let database: Database & { url: string };

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.close();
  });

  it('stops with exit 2 and the variable named, without a stack trace, on bad configuration', async () => {
    const result = await payouts(['verify'], { PORT: 'eighty' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toContain('PORT: must be a whole number');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('answers an unknown command with exit 2', async () => {
    const result = await payouts(['frobnicate'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });

  it('migrate: says how many migrations it applied and that the database is up to date', async () => {
    const result = await payouts(['migrate'], { DATABASE_URL: database.url });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Applied 0 migrations to .+; (\d+) of \1 applied, up to date\.\n$/);
  });

  it('reconcile: compares a period with Stripe, lists each difference, and exits 1 while one is open', async () => {
    const testSandbox = await startTestSandbox();
    try {
      // The SDK as someone outside the service (only src/providers/stripe imports it).
      const { stripe } = new StripeGateway({ secretKey: 'sk_test_cli_reconcile', apiBase: testSandbox.sandbox.url, webhookSecrets: [] });
      await stripe.paymentIntents.create({ amount: 100_000, currency: 'eur', payment_method: 'pm_card_bypassPending', confirm: true });
      const account = await stripe.accounts.create({ type: 'express', capabilities: { transfers: { requested: true } } });
      await testSandbox.control('POST', `/_sandbox/accounts/${account.id}/onboard`);
      const byHand = await stripe.transfers.create({ amount: 4_200, currency: 'eur', destination: account.id });
      const env = { DATABASE_URL: database.url, STRIPE_SECRET_KEY: 'sk_test_cli_reconcile', STRIPE_API_BASE: testSandbox.sandbox.url, CI: 'true' };
      const result = await payouts(['reconcile', '--since', '2020-01-01'], env);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^Reconciliation run \d+: 2020-01-01T00:00:00\.000Z to /);
      // The funding charge was made a moment ago: its webhook may still come (expected).
      expect(result.stdout).toContain('matched 0, expected 1, mismatched 0, missing here 1, missing at Stripe 0');
      expect(result.stdout).toContain(`[missing here] Transfer ${byHand.id} of €42.00 to ${account.id} was not made by the service`);
      // Without a terminal, the phases are named on stderr instead of a progress bar.
      expect(result.stderr).toContain('reconcile: transfers…');
      const bad = await payouts(['reconcile', '--since', 'yesterday-ish'], env);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('expected a date');
    } finally {
      await testSandbox.sandbox.close();
    }
  }, 60_000);

  it('verify: exit 0 on a sound ledger, exit 1 with a report once a balance row is corrupted', async () => {
    const sound = await payouts(['verify'], { DATABASE_URL: database.url });
    expect(sound.stderr).toBe('');
    expect(sound.code).toBe(0);
    expect(sound.stdout).toMatch(/Ledger verified: all \d+ invariants hold\./);

    // A balance row that no posting backs: the balance table no longer equals the postings.
    await database.pool.query(
      `insert into ledger_accounts (code, currency, normal_side, allow_negative) values ('creator:cli-test:available:eur', 'eur', 'credit', false)`,
    );
    await database.pool.query(`insert into ledger_balances (account_code, bucket, balance) values ('creator:cli-test:available:eur', 0, 500)`);

    const broken = await payouts(['verify'], { DATABASE_URL: database.url });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('FAIL balance table equals the sum of postings');
    expect(broken.stdout).toContain('creator:cli-test:available:eur');
    expect(broken.stdout).toMatch(/Ledger verification FAILED/);
  });

  // The embedded path is the same in both suites; it runs in the PGlite one, which has a migrated
  // data directory to copy (initialising a fresh PGlite directory takes ~10 s).
  const pgliteTemplate = inject('pgliteTemplate');

  it.skipIf(!pgliteTemplate)(
    'on an embedded data directory: serve, verify beside the server, refuse a second server, exit 0 on SIGTERM',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'payouts-cli-'));
      try {
        // Where openDatabase keeps PGlite's files inside DATA_DIR; were it to move, serve would just initialise afresh.
        const pglite = await PGlite.create(join(dataDir, 'pglite'), { loadDataDir: new Blob([readFileSync(pgliteTemplate ?? '')]) });
        await pglite.close();

        const server = await startServe({ DATA_DIR: dataDir });
        const health = await fetch(`${server.url}/healthz`);
        expect(health.status).toBe(200);
        expect(await health.json()).toEqual({ status: 'ok' });
        expect(health.headers.get('x-request-id')).toBeTruthy();
        expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

        const [verified, second] = await Promise.all([
          payouts(['verify'], { DATA_DIR: dataDir }),
          payouts(['serve'], { DATA_DIR: dataDir, PORT: '0', STRIPE_SANDBOX_PORT: '0' }),
        ]);
        expect(verified.code).toBe(0);
        expect(verified.stdout).toContain('Ledger verified');
        expect(second.code).toBe(1);
        expect(second.stderr).toMatch(/^DATA_DIR_LOCKED: The data directory .+ is in use by another Payouts process/);

        server.child.kill('SIGTERM');
        const stopped = await server.finished;
        expect(stopped.code).toBe(0);
        expect(stopped.stdout).toContain('Received SIGTERM: shutting down');
        expect(stopped.stdout).toContain('"msg":"Stopped"');
        expect(stopped.stdout).toContain('embedded PGlite in');
        expect(existsSync(lockFilePath(dataDir))).toBe(false);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    // Processes of the real executable: on a loaded machine their start alone takes seconds.
    90_000,
  );
});

describe('startServer', () => {
  it('listens on a free port with PORT=0, serves, and closes the app then the database', async () => {
    const database = await createTestDatabase();
    try {
      const config = loadConfig({ DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', STRIPE_SANDBOX_PORT: '0' });
      const server = await startServer(config, { logger: createLogger({ level: 'silent' }), handleSignals: false });
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.url).not.toMatch(/:0$/);
      expect(server.database.description).not.toContain('@');
      const ready = await fetch(`${server.url}/readyz`);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });
      await Promise.all([server.close(), server.close()]);
      await server.closed;
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
      await expect(server.database.pool.query('select 1')).rejects.toThrow();
    } finally {
      await database.close();
    }
  }, 90_000);

  it('stops at once when a keep-alive client (a load balancer) has a request in flight: its answer says Connection: close', async () => {
    const database = await createTestDatabase();
    try {
      const config = loadConfig({ DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', STRIPE_SANDBOX_PORT: '0' });
      const server = await startServer(config, { logger: createLogger({ level: 'silent' }), handleSignals: false });
      const { hostname, port } = new URL(server.url);
      const socket = net.connect(Number(port), hostname);
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
      const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      const body = JSON.stringify({ email: 'nobody@example.test', password: 'not-the-password' });
      // The request is in flight (its body half sent) when the service starts stopping.
      socket.write(`POST /api/auth/login HTTP/1.1\r\nHost: ${hostname}\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const started = performance.now();
      const closing = server.close();
      socket.write(body.slice(10));
      await closing;
      // Without the header the connection stayed open for Node's keep-alive timeout (72 s), and close() with it.
      expect(performance.now() - started).toBeLessThan(5_000);
      await ended;
      expect(answer).toMatch(/^HTTP\/1\.1 \d{3} /);
      expect(answer.toLowerCase()).toContain('connection: close');
    } finally {
      await database.close();
    }
  }, 90_000);
});
