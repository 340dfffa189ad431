/** When a payment's hold ends: paid time plus the holding period (the creator's, else the platform's). */
export function payoutReleaseDate(paidAt: Date, holdingPeriodHours: number): Date {
  return new Date(paidAt.getTime() + holdingPeriodHours * 3_600_000);
}
