import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './index.js';

/** The sandbox's state file (docs/sandbox.md "State file"): what a restart finds again. */
let directory: string;
let running: Sandbox[] = [];

afterEach(async () => {
  await Promise.all(running.map((s) => s.close()));
  running = [];
  rmSync(directory, { recursive: true, force: true });
});

async function start(stateFile: string) {
  const sandbox = await startSandbox({ port: 0, stateFile });
  running.push(sandbox);
  const stripe = new Stripe('sk_test_state', { host: sandbox.host, port: sandbox.port, protocol: 'http', maxNetworkRetries: 0 });
  return { sandbox, stripe };
}

async function stop(sandbox: Sandbox) {
  running = running.filter((s) => s !== sandbox);
  await sandbox.close();
}

describe('sandbox state file', () => {
  it('a restart finds the platform, the accounts, the money and the transfers again, in order; webhook endpoints are not kept', async () => {
    directory = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
    const file = join(directory, 'nested', 'stripe-sandbox.json');
    const first = await start(file);
    const account = await first.stripe.accounts.create({ type: 'express', email: 'kept@example.test', capabilities: { transfers: { requested: true } } });
    const link = await first.stripe.accountLinks.create({ account: account.id, type: 'account_onboarding', refresh_url: 'http://127.0.0.1:9/r', return_url: 'http://127.0.0.1:9/done' });
    await fetch(link.url, { redirect: 'manual' }); // onboarding finished: transfers enabled
    await first.stripe.paymentIntents.create({ amount: 20000, currency: 'eur', payment_method: 'pm_card_bypassPending', confirm: true });
    const older = await first.stripe.transfers.create({ amount: 5000, currency: 'eur', destination: account.id, transfer_group: 'po_kept' });
    await first.stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/hook', enabled_events: ['*'] });
    const balance = await first.stripe.balance.retrieve();
    const platform = first.sandbox.platformAccountId;
    await stop(first.sandbox);

    const second = await start(file);
    expect(second.sandbox.platformAccountId).toBe(platform);
    expect(await second.stripe.accounts.retrieve(account.id)).toMatchObject({ id: account.id, email: 'kept@example.test' });
    expect(await second.stripe.balance.retrieve()).toEqual(balance);
    expect((await second.stripe.transfers.list({ transfer_group: 'po_kept' })).data.map((t) => t.id)).toEqual([older.id]);
    expect((await second.stripe.webhookEndpoints.list()).data).toEqual([]);
    const newer = await second.stripe.transfers.create({ amount: 1000, currency: 'eur', destination: account.id });
    expect((await second.stripe.transfers.list()).data.map((t) => t.id)).toEqual([newer.id, older.id]);
    expect((await second.stripe.balance.retrieve()).available.map((a) => [a.amount, a.currency])).toEqual([[balance.available[0]!.amount - 1000, 'eur']]);
  });

  it('saves shortly after a change, so a process that dies without closing keeps it', async () => {
    directory = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
    const file = join(directory, 'stripe-sandbox.json');
    const { stripe } = await start(file);
    const account = await stripe.accounts.create({ type: 'express', email: 'early@example.test' });
    await expect.poll(() => existsSync(file) && readFileSync(file, 'utf8').includes(account.id), { timeout: 3000 }).toBe(true);
  });

  it('refuses a file it cannot read, saying what to do', async () => {
    directory = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
    const file = join(directory, 'stripe-sandbox.json');
    writeFileSync(file, JSON.stringify({ version: 99, records: [] }));
    await expect(startSandbox({ port: 0, stateFile: file })).rejects.toThrow(/not one this version can read.*move it away/);
  });
});
