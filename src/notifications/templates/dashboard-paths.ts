/**
 * The dashboard pages a message links to (src/web/app.tsx), as paths under APP_URL. Ids come
 * from payloads, so they are encoded; a missing id gives the list page rather than a broken link.
 */
export const dashboardPaths = {
  /** The creator's payouts and balances, or one payout's statement. */
  creatorPayouts(payoutId?: string | null): string {
    return payoutId ? `/dashboard/creator/payouts/${encodeURIComponent(payoutId)}` : '/dashboard/creator/payouts';
  },
  /** Every payout, optionally filtered the way the page reads its URL (`?status=FAILED`, `?creatorId=…`). */
  adminPayouts(filters: { status?: string; creatorId?: string | null } = {}): string {
    const query = new URLSearchParams();
    if (filters.status) query.set('status', filters.status);
    if (filters.creatorId) query.set('creatorId', filters.creatorId);
    const search = query.toString();
    return search === '' ? '/dashboard/admin/payouts' : `/dashboard/admin/payouts?${search}`;
  },
  /** The approval queue, with this payout under review (`?payout=`). */
  adminApprovals(payoutId?: string | null): string {
    return payoutId ? `/dashboard/admin/approvals?payout=${encodeURIComponent(payoutId)}` : '/dashboard/admin/approvals';
  },
  /** The creators, searched for one (the search matches creator, user and Stripe account ids). */
  adminCreators(creatorId?: string | null): string {
    return creatorId ? `/dashboard/admin/creators?search=${encodeURIComponent(creatorId)}` : '/dashboard/admin/creators';
  },
  /** The platform's Stripe balance against what creators are owed. */
  adminBalance(): string {
    return '/dashboard/admin/balance';
  },
  /** A reconciliation run's differences, or the latest run. */
  adminReconciliation(runId?: string | null): string {
    return runId ? `/dashboard/admin/reconciliation?run=${encodeURIComponent(runId)}` : '/dashboard/admin/reconciliation';
  },
} as const;
