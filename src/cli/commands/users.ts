import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { systemClock } from '../../providers/clock/index.js';
import { createUser } from '../../services/users/create-user.js';
import { listUsers, type UserListRow } from '../../services/users/list-users.js';
import type { CliContext } from '../cli-context.js';
import { openMigratedDatabase } from '../open-migrated-database.js';

/** Users fetched per query while listing: the whole list is printed, a page at a time. */
const LIST_PAGE_SIZE = 500;

/**
 * `payouts users list [--role admin|creator] [--search S] [--json]`: who can log in or be paid,
 * with both ids — the user id tokens are issued for, the creator id payments name.
 *
 * `payouts users create --email E --name N --role admin|creator [--password P] [--stripe-account acct_…]`:
 * create a user (a creator with its payout profile) and print `{"id": …}` — plus `creatorId` for a
 * creator — as JSON. `--stripe-account` is recorded as given, without asking Stripe: its status
 * arrives with the account's `account.updated` webhooks (POST /api/creators checks it instead).
 */
export function registerUsersCommand(program: Command, context: CliContext): void {
  const users = program.command('users').description('manage users (admins and creators)');
  users
    .command('create')
    .description('create an admin or a creator; prints {"id": …} (and "creatorId") as JSON')
    .requiredOption('--email <email>', 'login email, unique whatever its case')
    .requiredOption('--name <name>', 'display name')
    .addOption(new Option('--role <role>', 'what the user is').choices(['admin', 'creator']).makeOptionMandatory())
    .option('--password <password>', 'password for dashboard login (at least 8 characters); omit for token-only creators')
    .option('--stripe-account <acct>', 'creators: link this Stripe connected account (acct_…)')
    .action(async (options: { email: string; name: string; role: 'admin' | 'creator'; password?: string; stripeAccount?: string }) => {
      const config = loadConfig(context.env);
      if (options.stripeAccount !== undefined && options.role !== 'creator') {
        context.err('--stripe-account is for creators only');
        context.exitCode = 2;
        return;
      }
      if (options.stripeAccount !== undefined && !/^acct_[A-Za-z0-9]+$/.test(options.stripeAccount)) {
        context.err('--stripe-account must look like acct_…');
        context.exitCode = 2;
        return;
      }
      const database = await openMigratedDatabase(config);
      try {
        const role = options.role === 'admin' ? 'ADMIN' : 'CREATOR';
        const { user, creator } = await database.db.transaction((tx) =>
          createUser(
            tx,
            {
              email: options.email,
              name: options.name,
              role,
              password: options.password,
              actor: 'system:cli',
              ...(role === 'CREATOR' && { creator: { stripeAccountId: options.stripeAccount ?? null } }),
            },
            { config, clock: systemClock },
          ),
        );
        context.out(JSON.stringify({ id: user.id, ...(creator && { creatorId: creator.id }) }));
      } finally {
        await database.close();
      }
    });

  users
    .command('list')
    .description('list users, newest first: a table with both ids (user and creator), or --json')
    .addOption(new Option('--role <role>', 'only admins or only creators').choices(['admin', 'creator']))
    .option('--search <text>', 'part of the name or email, or a whole user, creator or Stripe account id')
    .option('--json', 'one JSON object per user and line instead of a table')
    .action(async (options: { role?: 'admin' | 'creator'; search?: string; json?: boolean }) => {
      const config = loadConfig(context.env);
      const database = await openMigratedDatabase(config);
      try {
        const rows: UserListRow[] = [];
        let cursor: string | undefined;
        do {
          const page = await listUsers(database.db, { role: options.role && (options.role === 'admin' ? 'ADMIN' : 'CREATOR'), search: options.search, limit: LIST_PAGE_SIZE, cursor });
          if (options.json) for (const row of page.data) context.out(JSON.stringify(userJson(row)));
          else rows.push(...page.data);
          cursor = page.nextCursor ?? undefined;
        } while (cursor !== undefined);
        if (!options.json) for (const line of userTable(rows)) context.out(line);
      } finally {
        await database.close();
      }
    });
}

/** A user as `users list --json` prints it. */
function userJson(row: UserListRow): Record<string, unknown> {
  return { ...row, createdAt: row.createdAt.toISOString() };
}

/** The human table: aligned columns, or one line saying nothing matched. */
function userTable(rows: readonly UserListRow[]): string[] {
  if (rows.length === 0) return ['No users match.'];
  const header = ['USER ID', 'CREATOR ID', 'ROLE', 'NAME', 'EMAIL', 'STRIPE', 'ONBOARDING', 'CREATED'];
  const lines = rows.map((row) => [
    row.id,
    row.creatorId ?? '-',
    row.role.toLowerCase() + (row.disabled ? ' (disabled)' : ''),
    row.name,
    row.email,
    row.stripeAccountId ?? '-',
    row.onboardingState ?? '-',
    row.createdAt.toISOString().slice(0, 10),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const format = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [format(header), ...lines.map(format), `${rows.length} user${rows.length === 1 ? '' : 's'}`];
}
