import { createRequire } from 'node:module';
import { pino, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';

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
  /**
   * Readable lines (pino-pretty) instead of JSON: for a person at a terminal (`serve` turns it on
   * when stdout is a TTY). Redaction happens before formatting, so it holds here too.
   */
  pretty?: boolean;
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
  if (options.pretty) return pino(settings, prettyStream(options.destination));
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/**
 * Fields a person at a terminal does not need: the request's (shown as → / ← lines, the request id
 * as its first 8 characters), and those the start-up messages already say in words.
 */
const PRETTY_IGNORED = 'pid,hostname,requestId,req,res,responseTime,dataDir,database,applied,sandbox,webhookUrl,url';

/**
 * One short line per event: `12:04:05.120 INFO: Payouts is listening on http://127.0.0.1:3000`, and
 * for a request `→ POST /api/payouts/request` then `← 201 in 12 ms`, each tagged with the start of
 * its request id so the pair can be matched.
 */
function prettyStream(destination: DestinationStream | undefined): DestinationStream {
  // Loaded only for a terminal: JSON logging (servers, tests, CI) never pays for it.
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  return pretty({
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: PRETTY_IGNORED,
    singleLine: true,
    messageFormat: formatPrettyMessage,
    ...(destination && { destination }),
  });
}

export function formatPrettyMessage(log: Record<string, unknown>, messageKey: string): string {
  const message = String(log[messageKey] ?? '');
  const tag = typeof log.requestId === 'string' ? `[${log.requestId.slice(0, 8)}] ` : '';
  const request = log.req as { method?: string; url?: string } | undefined;
  const response = log.res as { statusCode?: number } | undefined;
  if (message === 'incoming request' && request?.method) return `${tag}→ ${request.method} ${request.url ?? ''}`;
  if (message === 'request completed' && response?.statusCode !== undefined) {
    return `${tag}← ${response.statusCode} in ${Math.round(Number(log.responseTime ?? 0))} ms`;
  }
  return `${tag}${message}`;
}
