import createClient, { type Middleware } from 'openapi-fetch';
import { i18next } from '../i18n';
import type { paths } from './schema';

/** A refusal from the service: its stable `code`, its human message, and any details (e.g. `retryAfterSeconds`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | undefined = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | undefined;

/** Set from `GET /api/auth/me` and the login reply: sent as `x-csrf-token` on every cookie mutation. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

type UnauthenticatedListener = () => void;
const unauthenticatedListeners = new Set<UnauthenticatedListener>();

/** Called when a request that needed a session got 401: the session expired or was ended elsewhere. */
export function onUnauthenticated(listener: UnauthenticatedListener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

const PUBLIC_PATHS = new Set(['/api/auth/login', '/api/auth/me', '/api/auth/logout', '/api/auth/embed-session']);

const sessionMiddleware: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD' && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    // The words the service writes (alert headlines, a payout's outcome) in the pages' language, not the browser's.
    request.headers.set('accept-language', i18next.language);
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && !PUBLIC_PATHS.has(new URL(request.url).pathname)) {
      for (const listener of unauthenticatedListeners) listener();
    }
    return response;
  },
};

/**
 * The one typed client of the web app. Paths, parameters and replies are typed from the service's
 * own OpenAPI document (`npm run web:types`), so a changed route breaks the build, not the page.
 */
export const api = createClient<paths>({ baseUrl: typeof window === 'undefined' ? 'http://localhost' : window.location.origin, credentials: 'same-origin' });
api.use(sessionMiddleware);

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The reply's data, or an `ApiError` carrying the service's `{error: {code, message, details}}`. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const body = (error ?? {}) as { error?: { code?: string; message?: string; details?: Record<string, unknown> } };
  throw new ApiError(response.status, body.error?.code ?? `HTTP_${response.status}`, body.error?.message ?? response.statusText, body.error?.details);
}
