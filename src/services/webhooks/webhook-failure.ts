import { isAppError } from '../../domain/errors/index.js';

/** Why processing an event failed, as stored on the event (`error` is `CODE: message`). */
export interface WebhookFailure {
  code: string;
  message: string;
}

/** The longest error text kept on an event. */
const MAX_ERROR_LENGTH = 2000;

export function describeWebhookFailure(error: unknown): WebhookFailure {
  if (isAppError(error)) return { code: error.code, message: error.message };
  const cause = (error as { cause?: unknown } | null)?.cause;
  const pgCode = (cause as { code?: unknown } | null)?.code ?? (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const causeMessage = cause instanceof Error && cause.message !== message ? ` (${cause.message})` : '';
  return { code: typeof pgCode === 'string' ? `DATABASE_${pgCode}` : 'HANDLER_ERROR', message: `${message}${causeMessage}` };
}

export function webhookErrorText(failure: WebhookFailure): string {
  const text = `${failure.code}: ${failure.message}`;
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
