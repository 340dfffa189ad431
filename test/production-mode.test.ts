import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../src/services/users/create-user.js';
import { createTestApp, type TestApp } from './app.js';
import { testDatabaseKind } from './database.js';

/**
 * The service with NODE_ENV=production (issue 15 §4): what a deployment gets that development
 * does not — secure cookies, no development-only routes, required secrets refused at start-up
 * with a clear message, no demo.
 */
const productionEnv = {
  NODE_ENV: 'production',
  SESSION_SECRET: 'a-production-session-secret-0123456789abcdef',
  STRIPE_SECRET_KEY: 'sk_test_production_mode',
  STRIPE_WEBHOOK_SECRET: 'whsec_production_mode',
  CRON_SECRET: 'production-cron-secret-0123456789',
};
const bin = fileURLToPath(new URL('../bin/payouts.js', import.meta.url));

/** `payouts <args>` with exactly this environment (plus PATH), to completion. */
function payouts(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: productionEnv });
});
afterAll(async () => {
  await t?.close();
});

describe(`NODE_ENV=production on ${testDatabaseKind}`, () => {
  it('sets the session cookie Secure, HttpOnly and SameSite', async () => {
    const email = `prod-admin-${Math.random().toString(36).slice(2)}@example.test`;
    await t.database.db.transaction((tx) => createUser(tx, { email, name: 'Production admin', role: 'ADMIN', password: 'a long production password', actor: 'test' }, t));
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'a long production password' } });
    expect(login.statusCode).toBe(200);
    const session = login.cookies.find((cookie) => cookie.name === 'payouts_session');
    expect(session).toMatchObject({ secure: true, httpOnly: true });
    expect(String(session?.sameSite).toLowerCase()).toMatch(/lax|strict/);
  });

  it('closes the development-only routes: the test clock, the unauthenticated update-status', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/test/clock', payload: { advanceSeconds: 60 } })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/payouts/update-status' })).statusCode).toBe(404);
    // The cron endpoints still answer, with their secret only.
    expect((await t.app.inject({ method: 'POST', url: '/api/payouts/update-status' })).statusCode).toBe(401);
    const withSecret = await t.app.inject({ method: 'POST', url: '/api/payouts/update-status', headers: { authorization: `Bearer ${productionEnv.CRON_SECRET}` } });
    expect(withSecret.statusCode).toBe(200);
  });

  it('refuses to start without its secrets, naming each, and refuses the demo', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'payouts-production-'));
    try {
      const bare = await payouts(['serve'], { NODE_ENV: 'production', DATA_DIR: dataDir, PORT: '0' });
      expect(bare.code).toBe(2);
      for (const variable of ['SESSION_SECRET', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET']) expect(bare.stderr).toContain(`${variable}: must be set when NODE_ENV=production`);
      expect(bare.stderr).not.toMatch(/^\s+at /m); // a message, not a stack trace
      expect(bare.stdout).toBe('');

      const demo = await payouts(['serve'], { ...productionEnv, DATA_DIR: dataDir, PORT: '0', DEMO: '1' });
      expect(demo.code).toBe(2);
      expect(demo.stderr).toContain('DEMO: must not be on when NODE_ENV=production');
      const clock = await payouts(['serve'], { ...productionEnv, DATA_DIR: dataDir, PORT: '0', ENABLE_TEST_CLOCK: '1' });
      expect(clock.code).toBe(2);
      expect(clock.stderr).toContain('ENABLE_TEST_CLOCK: must not be on when NODE_ENV=production');
      const crash = await payouts(['serve'], { ...productionEnv, DATA_DIR: dataDir, PORT: '0', PAYOUTS_CRASH_AT: 'payout.claimed' });
      expect(crash.code).toBe(2);
      expect(crash.stderr).toContain('PAYOUTS_CRASH_AT: must not be set when NODE_ENV=production');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('has no demo data by default, even on the embedded database', () => {
    expect(t.config.demo).toBe(false);
    expect(t.config.stripe.useSandbox).toBe(false);
  });
});
