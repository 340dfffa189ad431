import { createApiKey } from '../src/services/api-keys/create-api-key.js';
import { createUser } from '../src/services/users/create-user.js';
import type { TestApp } from './app.js';

export interface TestCreator {
  userId: string;
  creatorId: string;
  /** `Authorization` header value acting as this creator (a short-lived user token). */
  authorization: string;
}

export interface TestPrincipals {
  admin: string;
  platform: string;
  cron: string;
  creator: TestCreator;
  otherCreator: TestCreator;
  /** Headers per role name, `anonymous` having none, for table-driven tests. */
  headers: Record<'anonymous' | 'creator' | 'otherCreator' | 'admin' | 'platform' | 'cron', Record<string, string>>;
  /** Issue fresh creator tokens (they are short-lived on the service clock: call after moving it). */
  refreshTokens(): Promise<void>;
}

/** Credentials of every kind, made through the real services and the real token route. */
export async function createPrincipals(t: TestApp): Promise<TestPrincipals> {
  const { database, config, clock } = t;
  const context = { config, clock };
  const [admin, platform] = await database.db.transaction(async (tx) => [
    await createApiKey(tx, { role: 'ADMIN', name: 'test admin', actor: 'test' }, context),
    await createApiKey(tx, { role: 'PLATFORM', name: 'test platform', actor: 'test' }, context),
  ]);
  const tokenFor = async (userId: string) => {
    const reply = await t.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: { authorization: `Bearer ${platform.key}` }, payload: { userId } });
    if (reply.statusCode !== 200) throw new Error(`token for ${userId}: ${reply.statusCode} ${reply.body}`);
    return `Bearer ${reply.json<{ token: string }>().token}`;
  };
  const creatorFor = async (name: string): Promise<TestCreator> => {
    const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${Math.random().toString(36).slice(2)}@example.test`;
    const { user, creator } = await database.db.transaction((tx) => createUser(tx, { email, name, role: 'CREATOR', creator: {}, actor: 'test' }, context));
    return { userId: user.id, creatorId: creator!.id, authorization: await tokenFor(user.id) };
  };
  const creator = await creatorFor('Creator One');
  const otherCreator = await creatorFor('Creator Two');
  const cron = `Bearer ${config.cron.secret}`;
  const principals: TestPrincipals = {
    admin: `Bearer ${admin.key}`,
    platform: `Bearer ${platform.key}`,
    cron,
    creator,
    otherCreator,
    headers: {
      anonymous: {},
      creator: { authorization: creator.authorization },
      otherCreator: { authorization: otherCreator.authorization },
      admin: { authorization: `Bearer ${admin.key}` },
      platform: { authorization: `Bearer ${platform.key}` },
      cron: { authorization: cron },
    },
    async refreshTokens() {
      for (const [role, subject] of [['creator', creator], ['otherCreator', otherCreator]] as const) {
        subject.authorization = await tokenFor(subject.userId);
        principals.headers[role] = { authorization: subject.authorization };
      }
    },
  };
  return principals;
}
