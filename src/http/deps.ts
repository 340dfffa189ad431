import type { Database } from '../db/database.js';
import type { ServiceContext } from '../services/context.js';

/** What routes reach through `app.deps`: the database and the services' context. */
export interface AppServices extends ServiceContext {
  database: Database;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppServices;
  }
}
