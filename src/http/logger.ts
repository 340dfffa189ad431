import { createRequire } from 'node:module';
import { pino, stdSerializers, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';

/** Headers that carry credentials or signatures: never written to a log. */
export const redactedHeaders = ['authorization', 'cookie', 'set-cookie', 'stripe-signature', 'x-api-key', 'x-csrf-token'] as const;

/** Field names that hold credentials wherever they appear in a logged object (up to four levels deep). */
export const redactedFields = ['password', 'secret', 'token', 'apiKey', 'accessToken', 'refreshToken', 'clientSecret'] as const;

const REDACTED_DEPTH = 4;

/**
 * Fields of database errors that carry the values of a statement: drizzle's `params` (every bound
 * parameter of a failed query), pg's `detail` ("Key (email)=(…) already exists", "Failing row
 * contains (…)"). Dropped from logged errors, with the `params: …` line of their messages.
 */
export const droppedErrorFields = ['params', 'parameters', 'detail'] as const;

/** How far down `cause` chains the serializer looks for a failed query's message. */
const MAX_CAUSE_DEPTH = 10;

/**
 * `err` as pino's standard serializer writes it (type, message and stack with those of its
 * causes, other own fields) minus the values of SQL statements: a failed query logs its text with
 * `$1` placeholders, never the parameters bound to them (personal data, ids, secrets' digests).
 */
export function serializeError(error: unknown): unknown {
  const serialized = stdSerializers.err(error as Error) as unknown;
  if (serialized === error || typeof serialized !== 'object' || serialized === null) return serialized;
  const out = serialized as Record<string, unknown>;
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && typeof current === 'object' && current !== null; depth++) {
    const { message, query } = current as { message?: unknown; query?: unknown };
    // drizzle's DrizzleQueryError: `Failed query: <sql>\nparams: <values>`.
    if (typeof message === 'string' && typeof query === 'string') {
      const withoutParams = `Failed query: ${query}`;
      if (message.startsWith(`${withoutParams}\nparams:`)) {
        if (typeof out.message === 'string') out.message = out.message.replaceAll(message, withoutParams);
        if (typeof out.stack === 'string') out.stack = out.stack.replaceAll(message, withoutParams);
      }
    }
    current = (current as { cause?: unknown }).cause;
  }
  for (const field of droppedErrorFields) delete out[field];
  return out;
}

/** The path of a request URL: query strings carry tokens (unsubscribe links), emails and filters, so logs never get them. */
export function pathOfUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  headers?: Record<string, unknown>;
  socket?: { remoteAddress?: string; remotePort?: number } | null;
}

/** Fastify's `req` serializer (method, url, host, address, port) with the URL's path only. */
export function serializeRequest(request: LoggedRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: pathOfUrl(request.url),
    host: request.host ?? request.headers?.host,
    remoteAddress: request.ip ?? request.socket?.remoteAddress,
    remotePort: request.socket?.remotePort,
  };
}

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
 * before they are serialised — Fastify's request logs and any `log.info({ ... })` alike — request
 * URLs without their query string, and errors without the parameters of a failed SQL statement.
 *
 * @example
 * const logger = createLogger({ level: config.logLevel });
 * logger.info({ user: { email, password } }, 'login'); // password is written as "[REDACTED]"
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const settings = {
    level: options.level,
    redact: { paths: redactionPaths(), censor: '[REDACTED]' },
    // Fastify keeps a logger instance's own serializers over its defaults (which log the URL with its query).
    serializers: { req: serializeRequest, err: serializeError },
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
