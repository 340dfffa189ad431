import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { armCrashPoints, crashPoint, crashPointNames, parseCrashPlan, setCrashHandler, type CrashPointName } from './index.js';

afterEach(() => {
  setCrashHandler(undefined);
  armCrashPoints(undefined);
});

describe('PAYOUTS_CRASH_AT', () => {
  it('reads names and name#n, trimmed; empty arms nothing', () => {
    expect([...parseCrashPlan(' payout.transfer-made#3 , webhook.handled ')]).toEqual([
      ['payout.transfer-made', 3],
      ['webhook.handled', 1],
    ]);
    expect(parseCrashPlan('').size).toBe(0);
    expect(parseCrashPlan(undefined).size).toBe(0);
    expect(parseCrashPlan(crashPointNames.join(',')).size).toBe(crashPointNames.length);
  });

  it('refuses an unknown name, listing the valid ones', () => {
    expect(() => parseCrashPlan('payout.claimed,payout.transfered')).toThrow(/unknown crash point "payout.transfered".*payout\.claimed, payout\.transfer-made, .*clawback\.reversal-made/);
    expect(() => parseCrashPlan('webhook.handled#x')).toThrow(/unknown crash point "webhook.handled#x"/);
  });

  it('refuses #0 and a name given twice', () => {
    expect(() => parseCrashPlan('refund.made#0')).toThrow('crash point "refund.made#0": n in name#n counts from 1');
    expect(() => parseCrashPlan('refund.made,refund.made#2')).toThrow('crash point refund.made is named twice');
  });

  it('fires the n-th time its point is reached, once, and no other point', () => {
    const fired: Array<[CrashPointName, number]> = [];
    let step = 0;
    setCrashHandler((name) => fired.push([name, step]));
    armCrashPoints('payout.transfer-made#2,refund.made');
    for (step = 1; step <= 4; step++) {
      crashPoint('payout.transfer-made');
      crashPoint('payout.claimed');
    }
    crashPoint('refund.made');
    crashPoint('refund.made');
    expect(fired).toEqual([
      ['payout.transfer-made', 2],
      ['refund.made', 5],
    ]);
  });

  it('lets the in-process handler throw out of the step, as a crash would', () => {
    setCrashHandler((name) => {
      throw new Error(`crashed at ${name}`);
    });
    armCrashPoints('webhook.committed');
    expect(() => crashPoint('webhook.committed')).toThrow('crashed at webhook.committed');
    expect(() => crashPoint('webhook.committed')).not.toThrow();
  });

  it('is validated by the configuration, and refused in production', () => {
    expect(loadConfig({ PAYOUTS_CRASH_AT: 'payout.claimed#2' })).toBeDefined();
    expect(() => loadConfig({ PAYOUTS_CRASH_AT: 'payout.nowhere' })).toThrow(/PAYOUTS_CRASH_AT: unknown crash point "payout.nowhere"/);
    const production = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), STRIPE_SECRET_KEY: 'sk_test_crash', STRIPE_WEBHOOK_SECRET: 'whsec_crash' };
    expect(() => loadConfig(production)).not.toThrow();
    expect(() => loadConfig({ ...production, PAYOUTS_CRASH_AT: 'payout.claimed' })).toThrow(/PAYOUTS_CRASH_AT: must not be set when NODE_ENV=production/);
  });
});
