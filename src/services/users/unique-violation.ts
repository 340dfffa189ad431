/**
 * The unique constraint a database error broke, if it is a unique violation (SQLSTATE 23505).
 * Drizzle wraps the driver's error in `cause`; both shapes are looked at.
 */
export function violatedUniqueConstraint(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 3; current = (current as { cause?: unknown }).cause, depth++) {
    const { code, constraint } = current as { code?: unknown; constraint?: unknown };
    if (code === '23505') return typeof constraint === 'string' ? constraint : '';
  }
  return undefined;
}
