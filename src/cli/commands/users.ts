import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { systemClock } from '../../providers/clock/index.js';
import { createUser } from '../../services/users/create-user.js';
import type { CliContext } from '../cli-context.js';
import { openMigratedDatabase } from '../open-migrated-database.js';

/**
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
}
