import type { FastifyRequest } from 'fastify';
import { forbidden, unauthenticated } from './auth-errors.js';
import type { Role } from './principal.js';

/**
 * A route's role check: anonymous → 401 UNAUTHENTICATED, another role → 403 FORBIDDEN.
 * Ownership (a creator reading only its own data) is the route's job, on `request.principal`.
 * Use it as `preValidation`, so that a caller without the role learns nothing of the body's
 * schema: the role is checked before the input is.
 *
 * @example
 * app.post('/api/payments', { preValidation: requireRoles('PLATFORM', 'ADMIN'), schema }, handler);
 */
export function requireRoles(...roles: Role[]): (request: FastifyRequest) => Promise<void> {
  if (roles.length === 0) throw new Error('requireRoles needs at least one role');
  const allowed = new Set<Role>(roles);
  return async function requireRole(request) {
    const { principal } = request;
    if (!principal) throw unauthenticated();
    if (!allowed.has(principal.role)) throw forbidden(`This needs the role ${roles.join(' or ')}; you are ${principal.role}.`);
  };
}
