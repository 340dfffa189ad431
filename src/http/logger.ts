import { pino, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';

/** Headers that carry credentials or signatures: never written to a log. */
export const redactedHeaders = ['authorization', 'cookie', 'set-cookie', 'stripe-signature', 'x-api-key', 'x-csrf-token'] as const;

/** Field names that hold credentials wherever they appear in a logged object (up to four levels deep). */
export const redactedFields = ['password', 'secret', 'token', 'apiKey', 'accessToken', 'refreshToken', 'clientSecret'] as const;

const REDACTED_DEPTH = 4;

function redactionPaths(): string[] {
  const paths: string[] = [];
  for (const header of redactedHeaders) {
    // `headers.x` (a logged headers object) and `req.headers.x`, `res.headers.x`, `request.headers.x`, …
    paths.push(`headers["${header}"]`, `*.headers["${header}"]`);
  }
  for (const field of redactedFields) {
    for (let depth = 0; depth < REDACTED_DEPTH; depth++) paths.push(`${'*.'.repeat(depth)}${field}`);
  }
  return paths;
}

export interface CreateLoggerOptions {
  level: LevelWithSilent;
  /** Where JSON lines go; stdout when omitted. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

/**
 * The service's structured logger: JSON lines (pino), one per event, with credentials redacted
 * before they are serialised — Fastify's request logs and any `log.info({ ... })` alike.
 *
 * @example
 * const logger = createLogger({ level: config.logLevel });
 * logger.info({ user: { email, password } }, 'login'); // password is written as "[REDACTED]"
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const settings = {
    level: options.level,
    redact: { paths: redactionPaths(), censor: '[REDACTED]' },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
