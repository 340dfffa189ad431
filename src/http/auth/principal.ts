/** Who may call what. ADMIN and CREATOR are users; PLATFORM is a host platform's API key; CRON a scheduler. */
export type Role = 'ADMIN' | 'CREATOR' | 'PLATFORM' | 'CRON';

/** The authenticated caller of a request, resolved once by `registerAuth` before any route runs. */
export interface Principal {
  role: Role;
  /** For audit events: 'user:<id>' | 'api_key:<id>' | 'cron' */
  actor: string;
  /** ADMIN or CREATOR users (session, or bearer token). */
  userId?: string;
  /** CREATOR only. */
  creatorId?: string;
  /** ADMIN or PLATFORM API keys. */
  apiKeyId?: string;
  /** Which credential proved it. */
  via: 'api_key' | 'session' | 'token' | 'cron_secret' | 'cron_jwt';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** null: anonymous (no credentials sent). Bad credentials never get this far: they are a 401. */
    principal: Principal | null;
  }
}
