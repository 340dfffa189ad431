/**
 * The one error type of the service. `code` is stable (clients match on it); `message` is for
 * humans. `kind` says what went wrong in transport-neutral words: the HTTP layer maps it to a
 * status in one place (`http/error-handler.ts`), the CLI to an exit code.
 *
 * @example
 * throw new AppError('AMOUNT_TOO_MANY_DECIMALS', 'EUR amounts have at most 2 decimals', { kind: 'invalid', details: { param: 'amount' } });
 */
export type AppErrorKind =
  | 'invalid' // the input is malformed or breaks a rule (400)
  | 'unauthorized' // no or bad credentials (401)
  | 'forbidden' // authenticated but not allowed (403)
  | 'not_found' // (404)
  | 'conflict' // state does not allow it, or a duplicate with other content (409)
  | 'unprocessable' // well-formed but refused by a business rule (422)
  | 'rate_limited' // (429)
  | 'unavailable' // a dependency is down (503)
  | 'internal'; // a broken invariant: our bug, never the caller's (500)

export interface AppErrorOptions {
  kind?: AppErrorKind;
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: string;
  readonly kind: AppErrorKind;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.kind = options.kind ?? 'invalid';
    this.details = options.details;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
