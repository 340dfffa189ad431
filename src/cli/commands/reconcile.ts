import { SingleBar } from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { systemClock } from '../../providers/clock/index.js';
import type { CliContext } from '../cli-context.js';
import { openMigratedDatabase } from '../open-migrated-database.js';

/** A date (`2026-03-01`) or an instant (`2026-03-01T12:00:00Z`); a bare date is midnight UTC. */
function parseInstant(value: string): Date {
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('expected a date (2026-03-01) or an ISO 8601 instant');
  return date;
}

/**
 * `payouts reconcile [--since DATE] [--until DATE]`: compare a period of Stripe's transfers,
 * reversals, bank payouts, charges, refunds and disputes with our books (docs/reconciliation.md),
 * with a progress bar on a terminal. Prints the run's counts and its differences; exit 1 when a
 * difference nobody has accepted was found.
 */
export function registerReconcileCommand(program: Command, context: CliContext): void {
  program
    .command('reconcile')
    .description('reconcile our books with Stripe over a period (default: the last two days); exit 1 when differences are found')
    .option('--since <date>', 'start of the period (a date or an ISO 8601 instant)', parseInstant)
    .option('--until <date>', 'end of the period, exclusive (default: now)', parseInstant)
    .action(async (options: { since?: Date; until?: Date }) => {
      const config = loadConfig(context.env);
      const database = await openMigratedDatabase(config);
      const [{ reconcileWithStripe, reconcilePhases }, { stripeGatewayFor }] = await Promise.all([import('../../services/reconciliation/reconcile-with-stripe.js'), import('../../http/app.js')]);
      const interactive = process.stderr.isTTY && context.env.CI !== 'true';
      const bar = interactive
        ? new SingleBar({
            stream: process.stderr,
            format: 'Reconciling {bar} {phase} | {objects} Stripe objects, {requests} requests | {items} items | {duration_formatted}',
            hideCursor: true,
            clearOnComplete: false,
          })
        : undefined;
      bar?.start(reconcilePhases.length, 0, { phase: reconcilePhases[0], objects: 0, requests: 0, items: 0 });
      let lastPhase: string | undefined;
      try {
        const run = await reconcileWithStripe(database.db, { config, clock: systemClock, stripe: stripeGatewayFor(config) }, {
          actor: 'cli',
          since: options.since,
          until: options.until,
          onProgress(progress) {
            const payload = { phase: progress.phase.replace('_', ' '), objects: progress.stripeObjects, requests: progress.stripeRequests, items: progress.items };
            if (bar) bar.update(reconcilePhases.indexOf(progress.phase), payload);
            else if (progress.phase !== lastPhase) context.err(`reconcile: ${payload.phase}…`);
            lastPhase = progress.phase;
          },
        });
        bar?.update(reconcilePhases.length);
        bar?.stop();
        const { counts } = run;
        const differences = counts.mismatched + counts.missing_here + counts.missing_at_stripe;
        const seconds = ((run.finishedAt!.getTime() - run.startedAt.getTime()) / 1000).toFixed(1);
        context.out(`Reconciliation run ${run.id}: ${run.periodStart.toISOString()} to ${run.periodEnd.toISOString()}`);
        context.out(`  ${run.stripeObjects} Stripe objects in ${run.stripeRequests} requests, ${seconds} s`);
        context.out(`  matched ${counts.matched}, expected ${counts.expected}, mismatched ${counts.mismatched}, missing here ${counts.missing_here}, missing at Stripe ${counts.missing_at_stripe}`);
        if (run.acceptedCount > 0) context.out(`  ${run.acceptedCount} of the differences were accepted in earlier runs`);
        if (differences > 0) {
          const { listReconciliationItems } = await import('../../services/reconciliation/manage-reconciliation.js');
          const open = await listReconciliationItems(database.db, { runId: String(run.id), open: true, limit: 20 });
          for (const item of open.data) context.out(`  - [${item.class.replaceAll('_', ' ')}] ${item.summary}`);
          if (open.nextCursor) context.out(`  … more: GET /api/admin/reconciliation/runs/${run.id}/items?open=true`);
        }
        context.exitCode = differences > run.acceptedCount ? 1 : 0;
      } finally {
        bar?.stop();
        await database.close();
      }
    });
}
