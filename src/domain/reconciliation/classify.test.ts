import { describe, expect, it } from 'vitest';
import { classifyBankPayout, classifyMoneyIn, classifyTransfer, type PayoutRecord, type TransferFacts } from './classify.js';

const payout: PayoutRecord = {
  id: 'po_1',
  amount: 10_000n,
  currency: 'eur',
  status: 'PAID',
  stripeAccountId: 'acct_1',
  stripeTransferId: 'tr_1',
  stripeBankPayoutId: null,
  failureCode: null,
  nextRetryAt: null,
  processingStartedAt: new Date('2026-03-01T10:00:00Z'),
};
const transfer: TransferFacts = { id: 'tr_1', amount: 10_000n, reversedAmount: 0n, currency: 'eur', destination: 'acct_1', created: new Date('2026-03-01T10:00:01Z'), namesPayout: 'po_1' };

describe('classifyTransfer', () => {
  it('matches a standing transfer with its PAID payout, and a fully reversed one with its FAILED payout', () => {
    expect(classifyTransfer(transfer, payout, 'id')).toMatchObject({ class: 'matched', differences: [] });
    expect(classifyTransfer({ ...transfer, reversedAmount: 10_000n }, { ...payout, status: 'FAILED' }, 'id')).toMatchObject({ class: 'matched' });
  });

  it('a PAID payout whose transfer came back in full: in order when our clawbacks took it back, a status difference otherwise', () => {
    expect(classifyTransfer({ ...transfer, reversedAmount: 10_000n, clawedBack: 10_000n }, payout, 'id')).toMatchObject({ class: 'matched', differences: [] });
    expect(classifyTransfer({ ...transfer, reversedAmount: 10_000n, clawedBack: 4_000n }, payout, 'id')).toMatchObject({ class: 'mismatched', differences: ['status'] });
    expect(classifyTransfer({ ...transfer, reversedAmount: 10_000n }, payout, 'id')).toMatchObject({ class: 'mismatched', differences: ['status'] });
  });

  it('a FAILED payout whose transfer stands, an amount or a destination that differ, a second transfer for a payout', () => {
    expect(classifyTransfer(transfer, { ...payout, status: 'FAILED' }, 'id').summary).toContain('FAILED here but its transfer stands');
    expect(classifyTransfer({ ...transfer, amount: 10_001n }, payout, 'id')).toMatchObject({ class: 'mismatched', differences: ['amount'] });
    expect(classifyTransfer({ ...transfer, destination: 'acct_2' }, payout, 'id')).toMatchObject({ class: 'mismatched', differences: ['destination'] });
    expect(classifyTransfer({ ...transfer, id: 'tr_2' }, payout, 'metadata')).toMatchObject({ class: 'mismatched', differences: ['id'] });
  });

  it('a transfer made and not yet recorded is expected; one no payout has is missing here', () => {
    expect(classifyTransfer(transfer, { ...payout, status: 'PROCESSING', stripeTransferId: null }, 'metadata')).toMatchObject({ class: 'expected' });
    expect(classifyTransfer({ ...transfer, namesPayout: null }, undefined, null)).toMatchObject({ class: 'missing_here', localId: null });
  });
});

describe('classifyBankPayout and classifyMoneyIn', () => {
  const now = new Date('2026-03-02T12:00:00Z');
  const bank = { id: 'po_bank', accountId: 'acct_1', amount: 10_000n, currency: 'eur', status: 'in_transit', created: new Date('2026-03-01T10:00:00Z'), arrivalDate: new Date('2026-03-03T00:00:00Z'), namesPayout: 'po_1' };

  it('a bank payout in transit before its arrival date (+ 1 day) is expected, overdue after it', () => {
    expect(classifyBankPayout(bank, { ...payout, status: 'PROCESSING', stripeBankPayoutId: 'po_bank' }, 'id', now)).toMatchObject({ class: 'expected' });
    expect(classifyBankPayout(bank, { ...payout, status: 'PROCESSING', stripeBankPayoutId: 'po_bank' }, 'id', new Date('2026-03-05T00:00:00Z'))).toMatchObject({ class: 'mismatched', differences: ['status'] });
    expect(classifyBankPayout({ ...bank, status: 'failed' }, { ...payout, stripeBankPayoutId: 'po_bank_2' }, 'metadata', now)).toMatchObject({ class: 'matched' });
  });

  it('a charge not recorded yet is expected within the webhook window, missing here after it', () => {
    const charge = { kind: 'charge' as const, id: 'ch_1', amount: 5_000n, currency: 'eur', status: 'succeeded', created: new Date(now.getTime() - 10 * 60_000) };
    expect(classifyMoneyIn(charge, undefined, null, now)).toMatchObject({ class: 'expected' });
    expect(classifyMoneyIn({ ...charge, created: new Date(now.getTime() - 2 * 3_600_000) }, undefined, null, now)).toMatchObject({ class: 'missing_here' });
  });
});
