import { AppError } from '../../domain/errors/index.js';
import type { BalanceThresholdStatus } from '../../domain/balance/platform-balance.js';

/**
 * Seed 002's `balanceStatus`, as the cron endpoint and `GET /api/admin/balance` answer it: amounts
 * are JSON numbers of minor units (like Stripe), plus the fields the seed's example leaves out
 * (`currency`, `pendingBalance`, `totalBalance`, `reserveShortfall`, `reasons`).
 */
export interface BalanceStatusReport {
  currency: string;
  thresholdStatus: BalanceThresholdStatus;
  reasons: string[];
  availableBalance: number;
  pendingBalance: number;
  totalBalance: number;
  pendingObligations: number;
  requiredReserve: number;
  availableForPayouts: number;
  reserveShortfall: number;
  /** Days until the projected balance no longer covers what is payable; null: not within the projection's horizon. */
  daysOfCoverage: number | null;
  isHealthy: boolean;
  isWarning: boolean;
  isCritical: boolean;
}

export function balanceStatusReport(input: {
  currency: string;
  status: BalanceThresholdStatus;
  reasons: readonly string[];
  available: bigint;
  pending: bigint;
  obligations: bigint;
  requiredReserve: bigint;
  daysOfCoverage: number | null;
}): BalanceStatusReport {
  const { available, requiredReserve } = input;
  return {
    currency: input.currency,
    thresholdStatus: input.status,
    reasons: [...input.reasons],
    availableBalance: minorNumber(available),
    pendingBalance: minorNumber(input.pending),
    totalBalance: minorNumber(available + input.pending),
    pendingObligations: minorNumber(input.obligations),
    requiredReserve: minorNumber(requiredReserve),
    availableForPayouts: minorNumber(available > requiredReserve ? available - requiredReserve : 0n),
    reserveShortfall: minorNumber(requiredReserve > available ? requiredReserve - available : 0n),
    daysOfCoverage: input.daysOfCoverage,
    isHealthy: input.status === 'healthy',
    isWarning: input.status === 'warning',
    isCritical: input.status === 'critical' || input.status === 'depleted',
  };
}

/** Minor units as a JSON number; refuses one JSON cannot carry exactly. */
export function minorNumber(amount: bigint): number {
  if (amount > BigInt(Number.MAX_SAFE_INTEGER) || amount < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new AppError('AMOUNT_NOT_REPRESENTABLE', `amount ${amount} is beyond what JSON numbers carry exactly`, { kind: 'internal' });
  }
  return Number(amount);
}
