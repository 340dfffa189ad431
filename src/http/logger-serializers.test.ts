import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { AppError } from '../domain/errors/index.js';
import { pathOfUrl, serializeError, serializeRequest } from './logger.js';

/** Issue 15 §1: request URLs are logged without their query, failed queries without their parameters. */
describe('serializeRequest', () => {
  it('keeps the path and drops the query string', () => {
    expect(serializeRequest({ method: 'GET', url: '/api/admin/audit?actor=ana@example.test&cursor=x', host: 'h', ip: '10.0.0.1', socket: { remotePort: 4 } })).toEqual({
      method: 'GET',
      url: '/api/admin/audit',
      host: 'h',
      remoteAddress: '10.0.0.1',
      remotePort: 4,
    });
    expect(pathOfUrl('/healthz')).toBe('/healthz');
    expect(pathOfUrl('/?')).toBe('/');
  });
});

describe('serializeError', () => {
  const pgError = Object.assign(new Error('duplicate key value violates unique constraint "users_email_unique"'), {
    code: '23505',
    detail: 'Key (lower(email))=(ana@example.test) already exists.',
    constraint: 'users_email_unique',
  });
  const failed = () => new DrizzleQueryError('insert into "users" ("id", "email") values ($1, $2)', ['usr_1', 'ana@example.test'], pgError);

  it('logs the SQL text of a failed query, its cause and code, never its parameters or the row', () => {
    const serialized = serializeError(failed()) as Record<string, unknown>;
    expect(serialized).toMatchObject({
      type: 'DrizzleQueryError',
      message: 'Failed query: insert into "users" ("id", "email") values ($1, $2): duplicate key value violates unique constraint "users_email_unique"',
      query: 'insert into "users" ("id", "email") values ($1, $2)',
    });
    const text = JSON.stringify(serialized);
    for (const leak of ['usr_1', 'ana@example.test', 'params']) expect(text).not.toContain(leak);
  });

  it('also when the failed query is the cause of another error, and for pg errors logged directly', () => {
    const wrapped = new AppError('LEDGER_POST_FAILED', 'posting failed', { kind: 'internal', cause: failed() });
    expect(JSON.stringify(serializeError(wrapped))).not.toContain('ana@example.test');
    expect(serializeError(pgError)).not.toHaveProperty('detail');
    expect(serializeError(pgError)).toMatchObject({ code: '23505', constraint: 'users_email_unique' });
  });

  it('passes non-errors through', () => {
    expect(serializeError('plain')).toBe('plain');
  });
});
