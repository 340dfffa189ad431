/**
 * The environment of every instance of a multi-instance run: the same for all of them (shared
 * secrets, one database, one public URL — the load balancer's) but `SMTP_URL`, which gives each
 * instance an SMTP port of its own so the emails it sends can be counted (docs/deployment.md).
 *
 * Production mode: the settings a real deployment runs with (secrets required, development-only
 * routes closed, JSON logs), against the sandbox through `STRIPE_API_BASE` and a `sk_test_` key.
 */
export function instanceEnvironment(input: {
  databaseUrl: string;
  sandboxUrl: string;
  stripeSecretKey: string;
  webhookSecrets: { platform: string; connect: string };
  proxyUrl: string;
  smtpUrl: string;
  cronSecret: string;
  sessionSecret: string;
}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    DATABASE_URL: input.databaseUrl,
    STRIPE_SECRET_KEY: input.stripeSecretKey,
    STRIPE_API_BASE: input.sandboxUrl,
    STRIPE_WEBHOOK_SECRET: input.webhookSecrets.platform,
    STRIPE_WEBHOOK_SECRET_PAYOUTS: input.webhookSecrets.connect,
    SESSION_SECRET: input.sessionSecret,
    CRON_SECRET: input.cronSecret,
    // The public URL is the load balancer's: links in emails, and the host of every Message-ID.
    APP_URL: input.proxyUrl,
    TRUST_PROXY: 'loopback',
    SMTP_URL: input.smtpUrl,
    MAIL_FROM: 'Payouts <payouts@multi.example>',
    ADMIN_ALERT_EMAILS: 'finance-ops@multi.example',
    RATE_LIMIT_STORE: 'database',
    USER_TOKEN_TTL_SECONDS: '3600',
    // Money becomes available at the next release sweep, so payouts follow payments within the run.
    PAYOUT_HOLDING_HOURS: '0',
    // Creators ask several times a day: no gap, enough payouts a day, and the 4th of a day is
    // flagged for an admin's approval (HIGH_FREQUENCY), so approvals run too.
    MIN_SECONDS_BETWEEN_PAYOUTS: '0',
    MAX_PAYOUTS_PER_DAY: '50',
    SUSPICIOUS_PAYOUTS_PER_DAY: '4',
  };
}
