import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPayouts } from '../../../test/cli.js';
import { createTestDatabase } from '../../../test/database.js';
import { insertCreator } from '../../../test/fixtures.js';
import { loadConfig } from '../../config/config.js';
import type { Database } from '../../db/database.js';
import { payouts } from '../../db/schema/index.js';
import { AdjustableClock } from '../../providers/clock/index.js';
import { recordPayment } from '../../services/payments/record-payment.js';
import { releaseDuePayments } from '../../services/payments/release-due-payments.js';
import { payoutsCsv } from '../../services/payouts/export-payouts-csv.js';
import { requestPayout } from '../../services/payouts/request-payout.js';

let database: Database & { url: string };
const config = loadConfig({});
const clock = new AdjustableClock();
const context = { config, clock };
const creatorIds: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  for (const [i, name] of ['Ana', 'Bob, "the builder"'].entries()) {
    const { creatorId } = await insertCreator(database.db, { name, stripeAccountId: `acct_cli_export_${i}`, payoutsEnabled: true, createdAt: new Date(clock.now().getTime() - 400 * 86_400_000) });
    const paidAt = new Date(clock.now().getTime() - 10 * 86_400_000);
    await database.db.transaction((tx) => recordPayment(tx, { creatorId, externalId: `pi_cli_export_${i}`, amount: 7000n, currency: 'eur', paidAt, actor: 'test' }, context));
    creatorIds.push(creatorId);
  }
  await releaseDuePayments(database.db, { actor: 'test' }, context);
  for (const creatorId of creatorIds) await requestPayout(database.db, { creatorId, amount: 6300n, actor: 'test' }, context);
  // A failure reason a spreadsheet would take for a formula, on two lines.
  await database.db.update(payouts).set({ failureReason: '=HYPERLINK("x")\r\nsecond line' }).where(eq(payouts.creatorId, creatorIds[1]!));
});

afterAll(async () => {
  await database?.close();
});

async function expected(creatorId?: string): Promise<string> {
  let csv = '';
  for await (const chunk of payoutsCsv(database.db, { creatorId })) csv += chunk;
  return csv;
}

describe('payouts export payouts --format csv', () => {
  it('prints exactly what the HTTP export sends, escaped', async () => {
    const result = await runPayouts(['export', 'payouts', '--format', 'csv'], { DATABASE_URL: database.url });
    expect(result.code).toBe(0);
    expect(result.stderr.trim()).toBe('Exported 2 payout(s)');
    expect(result.stdout).toBe(await expected());
    const records = result.stdout.split('\r\n');
    expect(records[1]).toMatch(/^po_\w+,cr_\w+,Ana,/);
    expect(result.stdout).toContain(',"Bob, ""the builder""",');
    expect(result.stdout).toContain(`,"'=HYPERLINK(""x"")\r\nsecond line"\r\n`);
    expect(records[1]).toContain(',PENDING,request,63.00,eur,1,');
  });

  it('writes one creator to a file', async () => {
    const output = join(mkdtempSync(join(tmpdir(), 'payouts-export-')), 'payouts.csv');
    const result = await runPayouts(['export', 'payouts', '--format', 'csv', '--creator', creatorIds[0]!, '--output', output], { DATABASE_URL: database.url });
    expect(result.code).toBe(0);
    expect(result.stderr.trim()).toBe(`Wrote 1 payout(s) to ${output}`);
    expect(readFileSync(output, 'utf8')).toBe(await expected(creatorIds[0]));
  });

  it('refuses another format', async () => {
    const result = await runPayouts(['export', 'payouts', '--format', 'xlsx'], { DATABASE_URL: database.url });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Allowed choices are csv');
  });
});
