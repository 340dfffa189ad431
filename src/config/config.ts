import { isIP } from 'node:net';
import { z } from 'zod';
import { isKnownCurrency } from '../domain/money/index.js';
import { parseCrashPlan } from '../providers/crash-points/index.js';

/**
 * Configuration comes from the environment only, parsed once at start-up. An invalid value
 * stops the process with a message that names the variable (`ConfigError`), so a typo never
 * becomes a silently wrong default. Every variable is documented in `.env.example` and in the
 * README's configuration table; `configVariables` below is the single list both are checked
 * against in tests.
 */

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

/** On/off switch: unset or empty gives `undefined`; anything but the listed words is refused. */
const optionalBooleanFlag = z.preprocess(
  (value) => (typeof value === 'string' && value !== '' ? value.toLowerCase() : undefined),
  z
    .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'], {
      error: 'must be one of 1, 0, true, false, yes, no, on, off',
    })
    .optional()
    .transform((v) => (v === undefined ? undefined : ['1', 'true', 'yes', 'on'].includes(v))),
);

const booleanFlag = (fallback: boolean) => optionalBooleanFlag.transform((v) => v ?? fallback);

const NAMED_PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/** An address or CIDR range (`10.0.0.0/8`, `::1`), or one of proxy-addr's named ranges. */
function isProxyAddress(item: string): boolean {
  if (NAMED_PROXY_RANGES.includes(item)) return true;
  const [address = '', bits, ...rest] = item.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
}

/**
 * TRUST_PROXY: unset — no proxy, the client is the socket's peer; a whole number N — believe
 * the last N hops of X-Forwarded-For; else a comma-separated list of the proxies' addresses,
 * CIDR ranges or `loopback` / `linklocal` / `uniquelocal`. "Trust everything" is refused: any
 * client could then choose its own address, and with it its rate-limit key.
 */
const trustProxySetting = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .transform((value, context): number | string[] | typeof z.NEVER => {
      const trimmed = value.trim();
      if (/^\d+$/.test(trimmed)) {
        const hops = Number(trimmed);
        if (hops >= 1 && hops <= 10) return hops;
      }
      const items = trimmed.split(',').map((item) => item.trim());
      if (!/^\d+$/.test(trimmed) && items.every(isProxyAddress)) return items;
      context.addIssue({
        code: 'custom',
        message: 'must be a number of proxies (1-10) or a comma-separated list of proxy addresses, CIDR ranges, loopback, linklocal or uniquelocal ("true" is refused: every client could then pick its own address)',
      });
      return z.NEVER;
    })
    .optional(),
);

/**
 * EMBED_ALLOWED_ORIGINS: comma-separated origins (`https://host.example[:port]`, optionally
 * `https://*.host.example`) whose pages may show the dashboards in an iframe; they become the
 * CSP `frame-ancestors`, beside the service's own origin. A path, a query or any other
 * scheme is refused: the browser would silently ignore such an entry and the embed would break
 * with no hint why. Origins are compared as the browser does (lower-case host, default port dropped).
 */
const embedOrigins = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .transform((value, context): string[] | typeof z.NEVER => {
      const origins: string[] = [];
      for (const item of value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '')) {
        const origin = embedOrigin(item);
        if (origin === undefined) {
          context.addIssue({
            code: 'custom',
            message: `"${item}" is not an origin: use a comma-separated list like https://platform.example,https://*.platform.example (scheme and host, optional port, no path)`,
          });
          return z.NEVER;
        }
        if (!origins.includes(origin)) origins.push(origin);
      }
      return origins;
    })
    .optional()
    .transform((v) => v ?? []),
);

/** The origin as a CSP source expression, or undefined when `item` is not exactly an http(s) origin. */
function embedOrigin(item: string): string | undefined {
  const wildcard = /^(https?:\/\/)\*\./i.exec(item);
  const candidate = wildcard ? `${wildcard[1]}wildcard.${item.slice(wildcard[0].length)}` : item;
  // Scheme and host (and port) only: no user, path, query or fragment.
  if (!/^https?:\/\/[^/?#@]+\/?$/i.test(candidate) || !URL.canParse(candidate)) return undefined;
  const parsed = new URL(candidate);
  return wildcard ? parsed.origin.replace('//wildcard.', '//*.') : parsed.origin;
}

const optionalInteger = (min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^-?\d+$/, { error: 'must be a whole number' })
      .transform(Number)
      // No `.int()`: the regex already guarantees it, and zod's own safe-integer message would
      // duplicate the `max` one for a huge value.
      .pipe(z.number().min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` }))
      .optional(),
  );

const integer = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  optionalInteger(min, max).transform((v) => v ?? fallback);

const optionalString = z.preprocess(emptyToUndefined, z.string().optional());

const secret = (minLength: number) =>
  z.preprocess(
    emptyToUndefined,
    z.string().min(minLength, { error: `must be at least ${minLength} characters` }).optional(),
  );

const url = (protocols: RegExp, what: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((value) => URL.canParse(value) && protocols.test(new URL(value).protocol), { error: `must be a ${what} URL` })
      .optional(),
  );

const envSchema = z.object({
  NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['development', 'production', 'test']).default('development')),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  DATABASE_URL: url(/^postgres(ql)?:$/, 'postgres://'),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
  /** Which reverse proxies' X-Forwarded-For to believe (docs/http.md "Behind a proxy"); unset: none. */
  TRUST_PROXY: trustProxySetting,
  PORT: integer(3000, 0, 65535),
  APP_URL: url(/^https?:$/, 'http(s)://'),
  STRIPE_SECRET_KEY: z.preprocess(
    emptyToUndefined,
    z.string().regex(/^(sk|rk)_(test|live)_\w+$/, { error: 'must look like sk_test_…, sk_live_… or rk_…' }).optional(),
  ),
  STRIPE_SANDBOX_PORT: integer(12111, 0, 65535),
  STRIPE_API_BASE: url(/^https?:$/, 'http(s)://'),
  /** Unset: 80/s with a live key, 20/s in test mode, transfers and bank payouts at half that. */
  STRIPE_REQUESTS_PER_SECOND: optionalInteger(1, 1000),
  STRIPE_WEBHOOK_SECRET: optionalString,
  STRIPE_WEBHOOK_SECRET_PAYOUTS: optionalString,
  CRON_SECRET: secret(16),
  CRON_JWT_SECRET: secret(32),
  SESSION_SECRET: secret(32),
  /** Life of the bearer tokens of POST /api/auth/tokens. */
  USER_TOKEN_TTL_SECONDS: integer(900, 60, 86_400),
  /** Life of a login session (the cookie). */
  SESSION_TTL_HOURS: integer(24, 1, 720),
  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: secret(16),
  SMTP_URL: url(/^smtps?:$/, 'smtp(s)://'),
  /** The From of every email; unset: `Payouts <payouts@APP_URL's host>`. */
  MAIL_FROM: optionalString,
  /** Comma-separated addresses that get every admin alert by email, besides the admin users. */
  ADMIN_ALERT_EMAILS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .transform((v) => v.split(',').map((a) => a.trim()).filter((a) => a !== ''))
      .pipe(z.array(z.email({ error: 'must be comma-separated email addresses' })))
      .optional()
      .transform((v) => v ?? []),
  ),
  DEFAULT_CURRENCY: z.preprocess(
    (v) => (typeof v === 'string' && v !== '' ? v.toLowerCase() : undefined),
    z
      .string()
      .refine(isKnownCurrency, { error: 'must be a three-letter ISO 4217 code such as eur' })
      .default('eur'),
  ),
  PLATFORM_FEE_PERCENTAGE: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d{1,3}(\.\d{1,2})?$/, { error: 'must be a percentage with at most 2 decimals, e.g. 10 or 12.5' })
      // Exact basis points from the digits: "12.5" → 1250, no float rounding.
      .transform((v) => {
        const [whole = '0', fraction = ''] = v.split('.');
        return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
      })
      .pipe(z.number().max(10000, { error: 'must be at most 100' }))
      .optional()
      .transform((v) => v ?? 1000),
  ),
  PAYOUT_HOLDING_DAYS: integer(7, 0, 3650),
  /** Wins over PAYOUT_HOLDING_DAYS when set. */
  PAYOUT_HOLDING_HOURS: optionalInteger(0, 3650 * 24),
  PAYOUT_MODE: z.preprocess(emptyToUndefined, z.enum(['manual', 'automatic', 'scheduled']).default('manual')),
  MIN_PAYOUT_AMOUNT_CENTS: integer(100, 1),
  MAX_SINGLE_PAYOUT_CENTS: integer(1_000_000, 1),
  APPROVAL_THRESHOLD_CENTS: integer(500_000, 1),
  MAX_PAYOUTS_PER_DAY: integer(3, 1),
  MAX_DAILY_PAYOUT_CENTS: integer(2_500_000, 1),
  MAX_MONTHLY_PAYOUT_CENTS: integer(10_000_000, 1),
  NEW_ACCOUNT_DAYS: integer(30, 0),
  NEW_ACCOUNT_MAX_PAYOUT_CENTS: integer(100_000, 1),
  MIN_SECONDS_BETWEEN_PAYOUTS: integer(300, 0),
  SUSPICIOUS_PAYOUTS_PER_DAY: integer(5, 1),
  SUSPICIOUS_EARNINGS_PERCENT: integer(80, 1, 100),
  FIRST_PAYOUT_REVIEW_CENTS: integer(200_000, 1),
  PAYOUT_MAX_RETRIES: integer(3, 0, 20),
  PAYOUT_RETRY_BASE_MINUTES: integer(5, 1, 1440),
  PAYOUT_STALE_MINUTES: integer(60, 1, 10_080),
  PAYOUT_SCHEDULE: z.preprocess(emptyToUndefined, z.enum(['weekly', 'monthly']).default('weekly')),
  BALANCE_CRITICAL_CENTS: integer(100_000, 0),
  BALANCE_WARNING_CENTS: integer(500_000, 0),
  BALANCE_HEALTHY_CENTS: integer(1_000_000, 0),
  BALANCE_RESERVE_PERCENT: integer(120, 100, 1000),
  WEBHOOK_RETENTION_DAYS: integer(30, 1),
  /** Payment webhooks recorded together in one statement at most (docs/webhooks.md "Receipts in groups"); 1 turns grouping off. */
  WEBHOOK_BATCH_SIZE: integer(50, 1, 1000),
  /** Such groups in the database at once at most. */
  WEBHOOK_BATCH_CONCURRENCY: integer(2, 1, 64),
  /** Where rate-limit windows are counted: `database` (shared by every instance) or `memory` (per process). */
  RATE_LIMIT_STORE: z.preprocess(emptyToUndefined, z.enum(['database', 'memory']).default('database')),
  /** Who bears Stripe's fee for a lost dispute (docs/refunds-and-disputes.md). */
  DISPUTE_FEE_PAYER: z.preprocess(emptyToUndefined, z.enum(['platform', 'creator']).default('platform')),
  /** Origins whose pages may frame the dashboards (CSP frame-ancestors, docs/http.md "Security headers"). */
  EMBED_ALLOWED_ORIGINS: embedOrigins,
  /** Unset: on with the embedded database, off with DATABASE_URL. */
  DEMO: optionalBooleanFlag,
  ENABLE_TEST_CLOCK: booleanFlag(false),
  /** Testing only: kill the process at these crash points (src/providers/crash-points, docs/simulation.md). */
  PAYOUTS_CRASH_AT: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .optional()
      .superRefine((value, ctx) => {
        try {
          parseCrashPlan(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
        }
      }),
  ),
});

/** Every variable the service reads; `.env.example` and the README document exactly these. */
export const configVariables = Object.keys(envSchema.shape) as ReadonlyArray<keyof typeof envSchema.shape>;

export type Config = ReturnType<typeof toConfig>;

export class ConfigError extends Error {
  readonly issues: ReadonlyArray<{ variable: string; message: string }>;
  constructor(issues: ReadonlyArray<{ variable: string; message: string }>) {
    super(
      `Invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}\n` +
        'See .env.example for every variable and its format.',
    );
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

function toConfig(env: z.infer<typeof envSchema>) {
  const embedded = env.DATABASE_URL === undefined;
  const demoDefault = embedded && env.NODE_ENV !== 'production';
  const demo = env.DEMO ?? demoDefault;
  return {
    nodeEnv: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    logLevel: env.LOG_LEVEL,
    database: { url: env.DATABASE_URL, dataDir: env.DATA_DIR, embedded },
    http: { host: env.HOST, port: env.PORT, trustProxy: env.TRUST_PROXY, appUrl: env.APP_URL ?? defaultAppUrl(env.HOST, env.PORT) },
    stripe: {
      secretKey: env.STRIPE_SECRET_KEY,
      /** No key: the in-process sandbox is started and used. */
      useSandbox: env.STRIPE_SECRET_KEY === undefined,
      sandboxPort: env.STRIPE_SANDBOX_PORT,
      apiBase: env.STRIPE_API_BASE,
      requestsPerSecond: env.STRIPE_REQUESTS_PER_SECOND,
      webhookSecrets: [env.STRIPE_WEBHOOK_SECRET, env.STRIPE_WEBHOOK_SECRET_PAYOUTS].filter((s): s is string => s !== undefined),
    },
    cron: { secret: env.CRON_SECRET, jwtSecret: env.CRON_JWT_SECRET },
    /** Unset outside production: the server makes an ephemeral one at start-up (sessions and tokens then die with it). */
    sessionSecret: env.SESSION_SECRET,
    auth: { userTokenTtlSeconds: env.USER_TOKEN_TTL_SECONDS, sessionTtlSeconds: env.SESSION_TTL_HOURS * 3600 },
    metricsToken: env.METRICS_TOKEN,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM ?? `Payouts <payouts@${new URL(env.APP_URL ?? `http://localhost:${env.PORT}`).hostname}>`,
    adminAlertEmails: env.ADMIN_ALERT_EMAILS,
    defaultCurrency: env.DEFAULT_CURRENCY,
    /** Basis points: 10 % is 1000. */
    platformFeeBps: env.PLATFORM_FEE_PERCENTAGE,
    holdingPeriodHours: env.PAYOUT_HOLDING_HOURS ?? env.PAYOUT_HOLDING_DAYS * 24,
    payoutMode: env.PAYOUT_MODE,
    limits: {
      minPayoutMinor: env.MIN_PAYOUT_AMOUNT_CENTS,
      maxSinglePayoutMinor: env.MAX_SINGLE_PAYOUT_CENTS,
      approvalThresholdMinor: env.APPROVAL_THRESHOLD_CENTS,
      maxPayoutsPerDay: env.MAX_PAYOUTS_PER_DAY,
      maxDailyPayoutMinor: env.MAX_DAILY_PAYOUT_CENTS,
      maxMonthlyPayoutMinor: env.MAX_MONTHLY_PAYOUT_CENTS,
      newAccountDays: env.NEW_ACCOUNT_DAYS,
      newAccountMaxPayoutMinor: env.NEW_ACCOUNT_MAX_PAYOUT_CENTS,
      minSecondsBetweenPayouts: env.MIN_SECONDS_BETWEEN_PAYOUTS,
      suspiciousPayoutsPerDay: env.SUSPICIOUS_PAYOUTS_PER_DAY,
      suspiciousEarningsPercent: env.SUSPICIOUS_EARNINGS_PERCENT,
      firstPayoutReviewMinor: env.FIRST_PAYOUT_REVIEW_CENTS,
    },
    payoutRetry: { maxRetries: env.PAYOUT_MAX_RETRIES, baseDelayMinutes: env.PAYOUT_RETRY_BASE_MINUTES },
    payoutStaleMinutes: env.PAYOUT_STALE_MINUTES,
    payoutSchedule: env.PAYOUT_SCHEDULE,
    balanceThresholds: {
      criticalMinor: env.BALANCE_CRITICAL_CENTS,
      warningMinor: env.BALANCE_WARNING_CENTS,
      healthyMinor: env.BALANCE_HEALTHY_CENTS,
      reservePercent: env.BALANCE_RESERVE_PERCENT,
    },
    webhookRetentionDays: env.WEBHOOK_RETENTION_DAYS,
    webhookIngest: { batchSize: env.WEBHOOK_BATCH_SIZE, batchConcurrency: env.WEBHOOK_BATCH_CONCURRENCY },
    rateLimitStore: env.RATE_LIMIT_STORE,
    disputeFeePayer: env.DISPUTE_FEE_PAYER,
    /** The dashboards (src/web) as the service serves them. */
    web: { embedAllowedOrigins: env.EMBED_ALLOWED_ORIGINS },
    demo,
    enableTestClock: env.ENABLE_TEST_CLOCK,
  };
}

type Env = z.infer<typeof envSchema>;
type ConfigIssue = { variable: string; message: string };

/**
 * Rules that tie variables together. They see only the variables that parsed, so they are
 * reported in the same ConfigError as bad single values instead of after the next restart.
 */
function crossVariableProblems(env: Partial<Env>, raw: Record<string, string | undefined>): ConfigIssue[] {
  const problems: ConfigIssue[] = [];
  if (env.NODE_ENV === 'production' && env.ENABLE_TEST_CLOCK === true) {
    problems.push({ variable: 'ENABLE_TEST_CLOCK', message: 'must not be on when NODE_ENV=production' });
  }
  if (env.NODE_ENV === 'production' && (raw.PAYOUTS_CRASH_AT ?? '') !== '') {
    // It kills the process on purpose (kill -9) at a step of the money path: for tests only.
    problems.push({ variable: 'PAYOUTS_CRASH_AT', message: 'must not be set when NODE_ENV=production (it kills the process at a crash point: testing only)' });
  }
  // On the raw value: a SESSION_SECRET that is set but too short is already reported by its own rule.
  if (env.NODE_ENV === 'production' && (raw.SESSION_SECRET ?? '') === '') {
    // Without it every restart would log everybody out and void every token, on every instance differently.
    problems.push({ variable: 'SESSION_SECRET', message: 'must be set when NODE_ENV=production (at least 32 random characters)' });
  }
  if (env.NODE_ENV === 'production' && (raw.STRIPE_SECRET_KEY ?? '') === '') {
    // Without a key the service would start the local sandbox and "pay" creators into it.
    problems.push({ variable: 'STRIPE_SECRET_KEY', message: 'must be set when NODE_ENV=production (the local Stripe sandbox is for development)' });
  }
  if (env.NODE_ENV === 'production' && (raw.STRIPE_WEBHOOK_SECRET ?? '') === '' && (raw.STRIPE_WEBHOOK_SECRET_PAYOUTS ?? '') === '') {
    // Without one no Stripe event verifies: payments are never recorded, payouts never settle.
    problems.push({ variable: 'STRIPE_WEBHOOK_SECRET', message: 'must be set when NODE_ENV=production (`npx payouts stripe setup-webhooks --url …` prints it)' });
  }
  if (env.NODE_ENV === 'production' && env.DEMO === true) {
    // The demo's admin has a published password.
    problems.push({ variable: 'DEMO', message: 'must not be on when NODE_ENV=production (the demo admin has a published password)' });
  }
  if (env.STRIPE_API_BASE !== undefined && env.STRIPE_SECRET_KEY?.includes('_live_')) {
    problems.push({ variable: 'STRIPE_API_BASE', message: 'may only be used with a test key (sk_test_…)' });
  }
  const { BALANCE_CRITICAL_CENTS: critical, BALANCE_WARNING_CENTS: warning, BALANCE_HEALTHY_CENTS: healthy } = env;
  if (critical !== undefined && warning !== undefined && healthy !== undefined && !(critical <= warning && warning <= healthy)) {
    problems.push({ variable: 'BALANCE_WARNING_CENTS', message: 'thresholds must satisfy CRITICAL <= WARNING <= HEALTHY' });
  }
  const { MIN_PAYOUT_AMOUNT_CENTS: minPayout, MAX_SINGLE_PAYOUT_CENTS: maxPayout } = env;
  if (minPayout !== undefined && maxPayout !== undefined && minPayout > maxPayout) {
    problems.push({ variable: 'MIN_PAYOUT_AMOUNT_CENTS', message: `must be at most MAX_SINGLE_PAYOUT_CENTS (${maxPayout})` });
  }
  return problems;
}

/** The variables that parse on their own, for cross-variable checks when others failed. */
function parseValidVariables(env: Record<string, string | undefined>): Partial<Env> {
  const valid: Record<string, unknown> = {};
  for (const variable of configVariables) {
    const result = envSchema.shape[variable].safeParse(env[variable]);
    if (result.success) valid[variable] = result.data;
  }
  return valid as Partial<Env>;
}

/**
 * Where the service is reached when APP_URL is not set: the address it listens on, so the links
 * in emails and notifications open the same origin as the URL the start banner prints — a
 * session cookie of http://127.0.0.1:3000 is not sent to http://localhost:3000. Listening on
 * every interface (0.0.0.0, ::), it says localhost; a real deployment sets APP_URL.
 */
function defaultAppUrl(host: string, port: number): string {
  const everyInterface = ['', '0.0.0.0', '::', '[::]'].includes(host);
  const name = everyInterface ? 'localhost' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/**
 * Parse the environment into a typed `Config`.
 * @throws ConfigError naming every invalid variable.
 * @example
 * const config = loadConfig({ PORT: '8080' }); // config.http.port === 8080
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems: ConfigIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? '(environment)'), message: issue.message }));
  problems.push(...crossVariableProblems(parsed.success ? parsed.data : parseValidVariables(env), env));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  return toConfig(parsed.data);
}
