import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { systemClock } from '../../providers/clock/index.js';
import { createApiKey } from '../../services/api-keys/create-api-key.js';
import { apiKeyJson, listApiKeys, revokeApiKey } from '../../services/api-keys/manage-api-keys.js';
import type { CliContext } from '../cli-context.js';
import { openMigratedDatabase } from '../open-migrated-database.js';

/**
 * `payouts api-keys create --role admin|platform --name N`: create an API key and print it once,
 * as JSON `{"id", "key", "role", "name", "prefix"}`. Only the key's SHA-256 is stored: a lost key
 * is replaced, never recovered.
 * `payouts api-keys list [--status active|revoked]`: one JSON object per key and line, newest first.
 * `payouts api-keys revoke ID [--reason R]`: revoke a key (idempotent); exit 1 for an unknown id.
 */
export function registerApiKeysCommand(program: Command, context: CliContext): void {
  const apiKeys = program.command('api-keys').description('manage API keys (admin and host platform)');
  apiKeys
    .command('create')
    .description('create an API key and print it once, as JSON')
    .addOption(new Option('--role <role>', 'admin: everything; platform: a host platform backend').choices(['admin', 'platform']).makeOptionMandatory())
    .requiredOption('--name <name>', 'what the key is for, e.g. "shop backend"')
    .action(async (options: { role: 'admin' | 'platform'; name: string }) => {
      const config = loadConfig(context.env);
      if (options.name.trim() === '') {
        context.err('--name must not be empty');
        context.exitCode = 2;
        return;
      }
      const database = await openMigratedDatabase(config);
      try {
        const role = options.role === 'admin' ? 'ADMIN' : 'PLATFORM';
        const created = await database.db.transaction((tx) => createApiKey(tx, { role, name: options.name, actor: 'system:cli' }, { clock: systemClock }));
        context.out(JSON.stringify({ id: created.id, key: created.key, role: created.role, name: created.name, prefix: created.prefix }));
        context.err('Store the key now: it is not shown again.');
      } finally {
        await database.close();
      }
    });

  apiKeys
    .command('list')
    .description('list API keys, newest first, one JSON object per line (never the key itself)')
    .addOption(new Option('--status <status>', 'only live or only revoked keys').choices(['active', 'revoked']))
    .action(async (options: { status?: 'active' | 'revoked' }) => {
      const database = await openMigratedDatabase(loadConfig(context.env));
      try {
        for (const key of await listApiKeys(database.db, options)) context.out(JSON.stringify(apiKeyJson(key)));
      } finally {
        await database.close();
      }
    });

  apiKeys
    .command('revoke')
    .description('revoke an API key: every later request with it gets 401')
    .argument('<id>', 'the key id (key_…), as `api-keys list` shows it')
    .option('--reason <reason>', 'why, kept in the audit event')
    .action(async (id: string, options: { reason?: string }) => {
      const database = await openMigratedDatabase(loadConfig(context.env));
      try {
        const result = await database.db.transaction((tx) => revokeApiKey(tx, { id, actor: 'system:cli', reason: options.reason }, { clock: systemClock }));
        context.out(JSON.stringify({ ...apiKeyJson(result.apiKey), alreadyRevoked: result.alreadyRevoked }));
      } finally {
        await database.close();
      }
    });
}
