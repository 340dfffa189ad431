import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, configVariables, loadConfig } from './config.js';

/** The ConfigError `loadConfig(env)` throws; fails the test when it does not throw one. */
function configErrorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

/** What production needs besides SESSION_SECRET: a Stripe key and a webhook secret. */
const production: Record<string, string> = { NODE_ENV: 'production', STRIPE_SECRET_KEY: 'sk_live_abc123', STRIPE_WEBHOOK_SECRET: 'whsec_a' };

describe('loadConfig defaults (empty environment)', () => {
  const config = loadConfig({});

  it('links to the address the banner prints unless APP_URL says otherwise (one origin, one session cookie)', () => {
    expect(loadConfig({ PORT: '3977' }).http.appUrl).toBe('http://127.0.0.1:3977');
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '8080' }).http.appUrl).toBe('http://localhost:8080');
    expect(loadConfig({ HOST: '::1', PORT: '8080' }).http.appUrl).toBe('http://[::1]:8080');
    expect(loadConfig({ APP_URL: 'https://payouts.example.com', PORT: '8080' }).http.appUrl).toBe('https://payouts.example.com');
  });

  it('runs locally on the embedded database and the Stripe sandbox', () => {
    expect(config.nodeEnv).toBe('development');
    expect(config.isProduction).toBe(false);
    expect(config.logLevel).toBe('info');
    expect(config.database).toEqual({ url: undefined, dataDir: './data', embedded: true });
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3000, appUrl: 'http://127.0.0.1:3000' });
    expect(config.stripe).toEqual({
      secretKey: undefined,
      useSandbox: true,
      sandboxPort: 12111,
      apiBase: undefined,
      webhookSecrets: [],
    });
    expect(config.demo).toBe(true);
    expect(config.enableTestClock).toBe(false);
  });

  it('uses the seed defaults for money and limits', () => {
    expect(config.defaultCurrency).toBe('eur');
    expect(config.platformFeeBps).toBe(1000);
    expect(config.holdingPeriodHours).toBe(7 * 24);
    expect(config.payoutMode).toBe('manual');
    expect(config.limits).toEqual({
      minPayoutMinor: 100,
      maxSinglePayoutMinor: 1_000_000,
      approvalThresholdMinor: 500_000,
      maxPayoutsPerDay: 3,
      maxDailyPayoutMinor: 2_500_000,
      maxMonthlyPayoutMinor: 10_000_000,
      newAccountDays: 30,
      newAccountMaxPayoutMinor: 100_000,
      minSecondsBetweenPayouts: 300,
      suspiciousPayoutsPerDay: 5,
      suspiciousEarningsPercent: 80,
      firstPayoutReviewMinor: 200_000,
    });
    expect(config.payoutRetry).toEqual({ maxRetries: 3, baseDelayMinutes: 5 });
    expect(config.payoutStaleMinutes).toBe(60);
    expect(config.payoutSchedule).toBe('weekly');
    expect(config.balanceThresholds).toEqual({
      criticalMinor: 100_000,
      warningMinor: 500_000,
      healthyMinor: 1_000_000,
      reservePercent: 120,
    });
    expect(config.webhookRetentionDays).toBe(30);
  });

  it('treats empty strings as unset', () => {
    const fromEmpty = loadConfig(Object.fromEntries(configVariables.map((variable) => [variable, ''])));
    expect(fromEmpty).toEqual(config);
  });
});

describe('loadConfig values', () => {
  it('reads valid values', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      SESSION_SECRET: 'a-session-secret-of-at-least-32-characters',
      PORT: '8080',
      DATABASE_URL: 'postgresql://u:p@db:5432/payouts',
      STRIPE_SECRET_KEY: 'sk_live_abc123',
      STRIPE_WEBHOOK_SECRET: 'whsec_a',
      STRIPE_WEBHOOK_SECRET_PAYOUTS: 'whsec_b',
      DEFAULT_CURRENCY: 'USD',
      PLATFORM_FEE_PERCENTAGE: '12.5',
      PAYOUT_MODE: 'automatic',
      APP_URL: 'https://payouts.example.com',
    });
    expect(config.isProduction).toBe(true);
    expect(config.http.port).toBe(8080);
    expect(config.http.appUrl).toBe('https://payouts.example.com');
    expect(config.database.embedded).toBe(false);
    expect(config.stripe.useSandbox).toBe(false);
    expect(config.stripe.webhookSecrets).toEqual(['whsec_a', 'whsec_b']);
    expect(config.defaultCurrency).toBe('usd');
    expect(config.platformFeeBps).toBe(1250);
    expect(config.payoutMode).toBe('automatic');
  });

  it.each([
    ['0', 0],
    ['10', 1000],
    ['12.35', 1235],
    ['0.01', 1],
    ['100', 10000],
    ['100.00', 10000],
  ])('PLATFORM_FEE_PERCENTAGE=%s is %i basis points, exactly', (value, bps) => {
    expect(loadConfig({ PLATFORM_FEE_PERCENTAGE: value }).platformFeeBps).toBe(bps);
  });

  it('PAYOUT_HOLDING_HOURS wins over PAYOUT_HOLDING_DAYS', () => {
    expect(loadConfig({ PAYOUT_HOLDING_DAYS: '3' }).holdingPeriodHours).toBe(72);
    expect(loadConfig({ PAYOUT_HOLDING_DAYS: '3', PAYOUT_HOLDING_HOURS: '5' }).holdingPeriodHours).toBe(5);
    expect(loadConfig({ PAYOUT_HOLDING_DAYS: '3', PAYOUT_HOLDING_HOURS: '0' }).holdingPeriodHours).toBe(0);
    expect(loadConfig({ PAYOUT_HOLDING_DAYS: '3', PAYOUT_HOLDING_HOURS: '' }).holdingPeriodHours).toBe(72);
  });

  it('DEMO defaults on when DATABASE_URL is unset and off when set; an explicit value wins', () => {
    const databaseUrl = 'postgres://localhost/payouts';
    expect(loadConfig({}).demo).toBe(true);
    expect(loadConfig({ DATABASE_URL: databaseUrl }).demo).toBe(false);
    expect(loadConfig({ DEMO: '0' }).demo).toBe(false);
    expect(loadConfig({ DEMO: 'true', DATABASE_URL: databaseUrl }).demo).toBe(true);
    expect(loadConfig({ ...production, SESSION_SECRET: 'x'.repeat(32) }).demo).toBe(false); // embedded, but production
    expect(configErrorOf({ ...production, SESSION_SECRET: 'x'.repeat(32), DEMO: '1' }).message).toMatch(/DEMO.*published password/);
  });

  it.each([
    ['1', true],
    ['true', true],
    ['TRUE', true],
    ['yes', true],
    ['On', true],
    ['0', false],
    ['false', false],
    ['no', false],
    ['off', false],
  ])('switch value %s is %s', (value, expected) => {
    expect(loadConfig({ ENABLE_TEST_CLOCK: value }).enableTestClock).toBe(expected);
    expect(loadConfig({ DEMO: value }).demo).toBe(expected);
  });

  it.each([
    ['1', 1],
    [' 2 ', 2],
    ['loopback', ['loopback']],
    ['10.0.0.0/8, 192.168.1.7 ,::1', ['10.0.0.0/8', '192.168.1.7', '::1']],
    ['fe80::/10,uniquelocal', ['fe80::/10', 'uniquelocal']],
  ])('TRUST_PROXY %j trusts %j', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).http.trustProxy).toEqual(expected);
  });

  it('allows the test clock outside production', () => {
    expect(loadConfig({ NODE_ENV: 'test', ENABLE_TEST_CLOCK: '1' }).enableTestClock).toBe(true);
  });
});

describe('EMBED_ALLOWED_ORIGINS', () => {
  it('defaults to no other origin than the service itself', () => {
    expect(loadConfig({}).web).toEqual({ embedAllowedOrigins: [] });
  });

  it('reads a comma-separated list of origins, normalised as the browser compares them, without duplicates', () => {
    const config = loadConfig({ EMBED_ALLOWED_ORIGINS: ' https://Platform.Example , http://localhost:8080/,https://*.creators.example,https://platform.example:443,http://[::1]:3001' });
    expect(config.web.embedAllowedOrigins).toEqual(['https://platform.example', 'http://localhost:8080', 'https://*.creators.example', 'http://[::1]:3001']);
  });

  it.each(['platform.example', 'https://platform.example/embed', 'https://platform.example?x=1', 'ftp://platform.example', "'self'", '*', 'https://user@platform.example', 'https://a.example,not an origin'])(
    'refuses %j, naming the variable and the entry',
    (value) => {
      const error = configErrorOf({ EMBED_ALLOWED_ORIGINS: value });
      expect(error.issues.map((issue) => issue.variable)).toEqual(['EMBED_ALLOWED_ORIGINS']);
      expect(error.message).toContain('is not an origin');
    },
  );
});

describe('loadConfig refuses invalid values, naming the variable', () => {
  it.each([
    ['PORT', 'abc', /whole number/],
    ['PORT', '70000', /at most 65535/],
    ['PORT', '-1', /at least 0/],
    ['PORT', '3000.5', /whole number/],
    ['TRUST_PROXY', 'true', /"true" is refused/],
    ['TRUST_PROXY', '0', /number of proxies/],
    ['TRUST_PROXY', '11', /number of proxies/],
    ['TRUST_PROXY', '10.0.0.0/33', /CIDR/],
    ['TRUST_PROXY', 'proxy.internal', /addresses/],
    ['TRUST_PROXY', '10.0.0.1,', /addresses/],
    ['DATABASE_URL', 'mysql://x', /postgres/],
    ['DATABASE_URL', 'not a url', /postgres/],
    ['PLATFORM_FEE_PERCENTAGE', 'abc', /percentage/],
    ['PLATFORM_FEE_PERCENTAGE', '150', /at most 100/],
    ['PLATFORM_FEE_PERCENTAGE', '10.555', /at most 2 decimals/],
    ['PLATFORM_FEE_PERCENTAGE', '-5', /percentage/],
    ['PAYOUT_MODE', 'weekly', /manual/],
    ['STRIPE_SECRET_KEY', 'foo', /sk_test_/],
    ['STRIPE_SECRET_KEY', 'pk_test_abc', /sk_test_/],
    ['ENABLE_TEST_CLOCK', 'maybe', /one of 1, 0, true/],
    ['DEMO', 'maybe', /one of 1, 0, true/],
    ['NODE_ENV', 'prod', /development/],
    ['LOG_LEVEL', 'verbose', /info/],
    ['DEFAULT_CURRENCY', 'euro', /ISO 4217/],
    ['DEFAULT_CURRENCY', 'xyz', /ISO 4217/],
    ['PAYOUT_HOLDING_DAYS', '-1', /at least 0/],
    ['PAYOUT_HOLDING_HOURS', 'abc', /whole number/],
    ['PAYOUT_HOLDING_HOURS', '99999999999999999999', /at most/],
    ['MIN_PAYOUT_AMOUNT_CENTS', '0', /at least 1/],
    ['MAX_PAYOUTS_PER_DAY', '1.5', /whole number/],
    ['MAX_DAILY_PAYOUT_CENTS', '99999999999999999999', /at most 9007199254740991/],
    ['BALANCE_RESERVE_PERCENT', '99', /at least 100/],
    ['APP_URL', 'ftp://example.com', /http/],
    ['STRIPE_API_BASE', 'localhost:12111', /http/],
    ['SMTP_URL', 'http://mail', /smtp/],
    ['CRON_SECRET', 'short', /at least 16 characters/],
    ['SESSION_SECRET', 'x'.repeat(31), /at least 32 characters/],
  ])('%s=%s', (variable, value, reason) => {
    const error = configErrorOf({ [variable]: value });
    expect(error.issues).toEqual([{ variable, message: expect.stringMatching(reason) }]);
    expect(error.message).toContain(`${variable}: `);
    expect(error.message).toContain('.env.example');
  });

  it('refuses the test clock in production', () => {
    const error = configErrorOf({ ...production, SESSION_SECRET: 'x'.repeat(32), ENABLE_TEST_CLOCK: '1' });
    expect(error.issues).toEqual([{ variable: 'ENABLE_TEST_CLOCK', message: expect.stringContaining('production') }]);
  });

  it('refuses production without a Stripe key or a webhook secret: no sandbox, no unverifiable webhooks', () => {
    const error = configErrorOf({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) });
    expect(error.issues).toEqual([
      { variable: 'STRIPE_SECRET_KEY', message: expect.stringContaining('the local Stripe sandbox is for development') },
      { variable: 'STRIPE_WEBHOOK_SECRET', message: expect.stringContaining('setup-webhooks') },
    ]);
    expect(loadConfig({ ...production, STRIPE_WEBHOOK_SECRET: '', STRIPE_WEBHOOK_SECRET_PAYOUTS: 'whsec_connect', SESSION_SECRET: 'x'.repeat(32) }).stripe.webhookSecrets).toEqual(['whsec_connect']);
    expect(loadConfig({ NODE_ENV: 'development' }).stripe.useSandbox).toBe(true);
  });

  it('refuses production without SESSION_SECRET, and names it once when it is set but too short', () => {
    for (const unset of [{}, { SESSION_SECRET: '' }] as Record<string, string>[]) {
      const error = configErrorOf({ ...production, ...unset });
      expect(error.issues).toEqual([{ variable: 'SESSION_SECRET', message: expect.stringContaining('must be set when NODE_ENV=production') }]);
      expect(error.message).toContain('SESSION_SECRET: ');
    }
    const tooShort = configErrorOf({ ...production, SESSION_SECRET: 'short' });
    expect(tooShort.issues).toEqual([{ variable: 'SESSION_SECRET', message: expect.stringMatching(/at least 32 characters/) }]);
    expect(loadConfig({ ...production, SESSION_SECRET: 'x'.repeat(32) }).sessionSecret).toBe('x'.repeat(32));
    expect(loadConfig({ NODE_ENV: 'development' }).sessionSecret).toBeUndefined();
  });

  it('reads the token and session lifetimes', () => {
    expect(loadConfig({}).auth).toEqual({ userTokenTtlSeconds: 900, sessionTtlSeconds: 24 * 3600 });
    expect(loadConfig({ USER_TOKEN_TTL_SECONDS: '120', SESSION_TTL_HOURS: '2' }).auth).toEqual({ userTokenTtlSeconds: 120, sessionTtlSeconds: 7200 });
    expect(configErrorOf({ USER_TOKEN_TTL_SECONDS: '10' }).issues).toEqual([{ variable: 'USER_TOKEN_TTL_SECONDS', message: 'must be at least 60' }]);
  });

  it('refuses STRIPE_API_BASE with a live key', () => {
    const error = configErrorOf({ STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_API_BASE: 'http://127.0.0.1:12111' });
    expect(error.issues.map((issue) => issue.variable)).toEqual(['STRIPE_API_BASE']);
  });

  it('refuses balance thresholds out of order', () => {
    const error = configErrorOf({ BALANCE_CRITICAL_CENTS: '600000' });
    expect(error.issues.map((issue) => issue.variable)).toEqual(['BALANCE_WARNING_CENTS']);
  });

  it('refuses a minimum payout above the maximum', () => {
    const error = configErrorOf({ MIN_PAYOUT_AMOUNT_CENTS: '200', MAX_SINGLE_PAYOUT_CENTS: '100' });
    expect(error.issues.map((issue) => issue.variable)).toEqual(['MIN_PAYOUT_AMOUNT_CENTS']);
  });

  it('reports every problem at once, including rules across variables', () => {
    const error = configErrorOf({
      PORT: 'abc',
      DATABASE_URL: 'mysql://x',
      PAYOUT_MODE: 'weekly',
      STRIPE_SECRET_KEY: 'foo',
      STRIPE_WEBHOOK_SECRET: 'whsec_x',
      NODE_ENV: 'production',
      SESSION_SECRET: 'x'.repeat(32),
      ENABLE_TEST_CLOCK: 'yes',
    });
    expect(error.issues.map((issue) => issue.variable).sort()).toEqual(
      ['DATABASE_URL', 'ENABLE_TEST_CLOCK', 'PAYOUT_MODE', 'PORT', 'STRIPE_SECRET_KEY'].sort(),
    );
    for (const variable of ['PORT', 'DATABASE_URL', 'PAYOUT_MODE', 'STRIPE_SECRET_KEY', 'ENABLE_TEST_CLOCK']) {
      expect(error.message).toContain(`  ${variable}: `);
    }
  });

  it('skips a rule across variables when one of its variables is itself invalid', () => {
    const error = configErrorOf({ NODE_ENV: 'prod', ENABLE_TEST_CLOCK: '1' });
    expect(error.issues.map((issue) => issue.variable)).toEqual(['NODE_ENV']);
  });
});

describe('documentation of the variables', () => {
  const repoFile = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
  const sorted = (names: Iterable<string>) => [...names].sort();

  it('.env.example mentions exactly the variables of configVariables', () => {
    // A variable appears as `NAME=…` or, commented out, `# NAME=…`.
    const mentioned = [...repoFile('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1] ?? '');
    expect(new Set(mentioned).size).toBe(mentioned.length);
    expect(sorted(mentioned)).toEqual(sorted(configVariables));
  });

  it('.env.example gives each variable a comment line just above it', () => {
    const lines = repoFile('.env.example').split('\n');
    for (const variable of configVariables) {
      const index = lines.findIndex((line) => new RegExp(`^#?\\s*${variable}=`).test(line));
      expect(lines[index - 1], variable).toMatch(/^# \S/);
      expect(lines[index - 1], variable).not.toMatch(/^#?\s*[A-Z][A-Z0-9_]*=/);
    }
  });

  it('.env.example values are accepted as they stand once uncommented', () => {
    const env = Object.fromEntries(
      [...repoFile('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((match) => [match[1] ?? '', match[2] ?? '']),
    );
    // The examples show a live-key-free setup, so only the production-only rule could object.
    expect(() => loadConfig({ ...env, NODE_ENV: 'development' })).not.toThrow();
  });

  it.each(['docs/configuration.md', 'README.md'])('%s has one configuration table row per variable', (file) => {
    const rows = [...repoFile(file).matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((match) => match[1] ?? '');
    expect(sorted(rows)).toEqual(sorted(configVariables));
  });
});
