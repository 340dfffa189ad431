import { describe, expect, it } from 'vitest';
import { balanceThresholdStatus, balanceTrend, projectBalance, requiredReserve, type BalanceThresholds } from './platform-balance.js';

/** Seed 002's defaults, in cents. */
const seed: BalanceThresholds = { criticalMinor: 100_000n, warningMinor: 500_000n, healthyMinor: 1_000_000n, reservePercent: 120 };
const status = (available: bigint, obligations: bigint) => balanceThresholdStatus({ availableMinor: available, requiredReserveMinor: requiredReserve(obligations, seed.reservePercent) }, seed);

describe('requiredReserve', () => {
  it('is 120 % of the obligations, rounded up to the cent, and 0 when nothing is owed', () => {
    expect(requiredReserve(1_500_000n, 120)).toBe(1_800_000n); // seed 002's example
    expect(requiredReserve(1n, 120)).toBe(2n);
    expect(requiredReserve(0n, 120)).toBe(0n);
  });
});

describe('balanceThresholdStatus (seed 002’s table)', () => {
  it.each([
    // [available, obligations, status, reasons]
    [2_500_000n, 1_500_000n, 'healthy', []], // the seed's example: 25,000 against 18,000 reserve
    [0n, 0n, 'depleted', ['balance_not_positive']],
    [-1n, 0n, 'depleted', ['balance_not_positive']],
    [99_999n, 0n, 'critical', ['below_critical_threshold']],
    [100_000n, 0n, 'warning', ['below_warning_threshold']],
    [2_000_000n, 3_400_000n, 'critical', ['below_half_of_reserve']], // reserve 4,080,000: 2,000,000 < 2,040,000
    [2_040_000n, 3_400_000n, 'warning', ['below_80_percent_of_reserve']], // exactly half is not below half
    [499_999n, 0n, 'warning', ['below_warning_threshold']],
    [500_000n, 0n, 'warning', ['below_healthy_threshold']], // the seed's gap between warning and healthy
    [1_000_000n, 0n, 'healthy', []],
    [1_500_000n, 1_300_000n, 'warning', ['below_reserve']], // reserve 1,560,000: 96 %
    [1_248_000n, 1_300_000n, 'warning', ['below_reserve']], // exactly 80 %
    [1_247_999n, 1_300_000n, 'warning', ['below_80_percent_of_reserve']],
    [1_560_000n, 1_300_000n, 'healthy', []],
  ] as const)('%s available, %s owed: %s %j', (available, obligations, expected, reasons) => {
    expect(status(available, obligations)).toEqual({ status: expected, reasons });
  });
});

describe('balanceTrend', () => {
  const now = new Date('2026-03-08T06:00:00Z');
  const day = (d: number, available: bigint) => ({ at: new Date(now.getTime() - d * 86_400_000), availableMinor: available });
  const options = { windowDays: 7, stableBandMinor: 100_000n };

  it('averages the change per day between the oldest and newest readings of the last 7 days', () => {
    expect(balanceTrend([day(7, 1_400_000n), day(3, 500_000n), day(0, 350_000n)], now, options)).toEqual({ direction: 'decreasing', averageChange: -150_000n, readings: 3, spanDays: 7 });
    expect(balanceTrend([day(2, 1_000_000n), day(0, 1_300_000n)], now, options)).toMatchObject({ direction: 'increasing', averageChange: 150_000n });
  });

  it('±1,000.00 a day is stable; readings older than the window do not count', () => {
    expect(balanceTrend([day(1, 1_000_000n), day(0, 900_000n)], now, options)).toMatchObject({ direction: 'stable', averageChange: -100_000n });
    expect(balanceTrend([day(30, 0n), day(1, 1_000_000n), day(0, 1_050_000n)], now, options)).toMatchObject({ direction: 'stable', averageChange: 50_000n, readings: 2 });
  });

  it('less than 20 hours of history is no trend', () => {
    expect(balanceTrend([{ at: new Date(now.getTime() - 3_600_000), availableMinor: 0n }, day(0, 5_000_000n)], now, options)).toEqual({ direction: 'stable', averageChange: 0n, readings: 2, spanDays: 0.04 });
    expect(balanceTrend([day(0, 5_000_000n)], now, options)).toMatchObject({ averageChange: 0n, readings: 1 });
  });
});

describe('projectBalance', () => {
  const now = new Date('2026-03-08T06:00:00Z');
  const base = { now, horizonDays: 90, releases: [], payableNowMinor: 0n };

  it('finds the day the trend takes the balance below the reserve, before it runs out', () => {
    // 25,000 available, 15,000 owed (reserve 18,000), losing 1,500 a day.
    const p = projectBalance({ ...base, availableMinor: 2_500_000n, payableNowMinor: 1_500_000n, requiredReserveMinor: 1_800_000n, averageChangePerDay: -150_000n });
    expect(p).toMatchObject({ reserveBreachDate: '2026-03-13', reserveBreachInDays: 5, runOutDate: '2026-03-15', runOutInDays: 7, runOutShortfall: 50_000n });
    expect(p.days).toHaveLength(91);
  });

  it('releases make more payable day by day: a flat balance runs out when the calendar passes it', () => {
    const p = projectBalance({
      ...base,
      availableMinor: 1_000_000n,
      payableNowMinor: 200_000n,
      releases: [
        { date: '2026-03-01', amountMinor: 100_000n }, // overdue: payable today
        { date: '2026-03-10', amountMinor: 600_000n },
        { date: '2026-03-12', amountMinor: 300_000n },
      ],
      requiredReserveMinor: 1_440_000n,
      averageChangePerDay: 0n,
    });
    expect(p.days[0]).toEqual({ date: '2026-03-08', projectedBalance: 1_000_000n, payable: 300_000n, releasing: 100_000n });
    expect(p.days[2]).toMatchObject({ date: '2026-03-10', payable: 900_000n });
    expect(p).toMatchObject({ reserveBreachInDays: 0, runOutDate: '2026-03-12', runOutInDays: 4, runOutShortfall: 200_000n });
  });

  it('nothing within the horizon: null dates', () => {
    expect(projectBalance({ ...base, availableMinor: 1_000_000n, requiredReserveMinor: 0n, averageChangePerDay: 10_000n })).toMatchObject({ reserveBreachDate: null, runOutDate: null, runOutInDays: null, runOutShortfall: null });
  });
});
