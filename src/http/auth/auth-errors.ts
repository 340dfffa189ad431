import { AppError } from '../../domain/errors/index.js';

/** 401: no credentials where some are needed, or credentials that prove nothing. */
export function unauthenticated(message = 'Authentication required: send `Authorization: Bearer <key or token>` or log in.'): AppError {
  return new AppError('UNAUTHENTICATED', message, { kind: 'unauthorized' });
}

/** 403: the caller is known but its role may not do this. */
export function forbidden(message = 'Your role may not do this.'): AppError {
  return new AppError('FORBIDDEN', message, { kind: 'forbidden' });
}

/** 403: a cookie-authenticated mutation without the session's CSRF token. */
export function csrfTokenInvalid(): AppError {
  return new AppError('CSRF_TOKEN_INVALID', 'Send the x-csrf-token header from GET /api/auth/me with requests that change something.', {
    kind: 'forbidden',
  });
}
