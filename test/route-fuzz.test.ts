import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorReplySchema } from '../src/http/error-handler.js';
import { verifyLedger } from '../src/ledger/index.js';
import { signWebhookPayload } from '../src/sandbox/index.js';
import { recordPayment } from '../src/services/payments/record-payment.js';
import { verifyPayouts } from '../src/services/payouts/verify-payouts.js';
import { createTestApp, type TestApp } from './app.js';
import { testDatabaseKind } from './database.js';
import { hostileTexts, operationsOf, valueOf, wildValues, type KnownValues, type OpenApiDocument, type Operation } from './openapi-arbitraries.js';
import { createPrincipals, type TestPrincipals } from './principals.js';

/**
 * Issue 15 §1: every route the API documents, walked from its own schema (/openapi.json) with
 * generated requests — hostile text (a NUL, an unpaired surrogate) in a body, a query or a path
 * parameter must get a 4xx in the error format and change nothing, in the database or at Stripe;
 * storable but wild values (beyond bounds, wrong types, huge, nested) must never get a 5xx. Then
 * the ledger and payout invariants still hold. Signed Stripe webhooks carrying hostile text are
 * refused too. docs/security.md describes the rules.
 *
 * `FUZZ_RUNS` (runs per route and kind, default 4) and `FUZZ_SEED` replay or widen a run; a
 * failure prints the seed and the shrunk request.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 4);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const WEBHOOK_SECRET = 'whsec_route_fuzz_0123456789';
/** Per walk over every route: a wider run (FUZZ_RUNS) gets the time it needs. */
const WALK_TIMEOUT_MS = Math.max(60_000, RUNS * 4_000);

type Caller = 'admin' | 'platform' | 'creator' | 'cron';

/** Routes the wild property leaves out, and why; the hostile one walks them all. */
const NOT_FOR_WILD_VALUES: Record<string, string> = {
  'POST /api/test/clock': 'moves the service clock by what it is given (test-only by design): later requests would see expired tokens',
};

let t: TestApp;
let who: TestPrincipals;
let operations: Operation[];
let known: KnownValues;

beforeAll(async () => {
  t = await createTestApp({ sandbox: true, env: { ENABLE_TEST_CLOCK: '1', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, RATE_LIMIT_STORE: 'memory' } });
  who = await createPrincipals(t);
  const { payment } = await t.database.db.transaction((tx) =>
    recordPayment(tx, { creatorId: who.creator.creatorId, externalId: 'pi_fuzz', amount: 5000n, currency: 'eur', paidAt: t.clock.now(), actor: 'test' }, t),
  );
  known = {
    creatorId: [who.creator.creatorId, who.otherCreator.creatorId],
    userId: [who.creator.userId],
    id: [who.creator.creatorId, payment.id, 'po_unknown'],
    paymentId: [payment.id],
    payoutId: ['po_unknown'],
    payoutIds: ['po_unknown'],
    externalId: ['pi_fuzz'],
    job: ['release-holds'],
  };
  const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<OpenApiDocument>();
  operations = operationsOf(doc);
});

afterAll(async () => {
  await t?.close();
});

/** `/api/payouts/{id}?a=b` with its parameters filled in, percent-encoded (query as pairs: a name may be `__proto__`). */
function urlOf(op: Operation, params: Record<string, string>, query: Array<[string, string]>): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_whole, name: string) => encodeURIComponent(params[name] ?? 'x'));
  const search = query
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  return search ? `${path}?${search}` : path;
}

const hasBody = (op: Operation) => op.method !== 'GET';

/** A request of `op` that validation (mostly) accepts: path parameters, query and body from its schema. */
function requestOf(op: Operation) {
  const params = fc.record(Object.fromEntries(op.pathParams.map((p) => [p.name, valueOf(p.schema, known, p.name).map(String)])));
  const query = fc
    .record(Object.fromEntries(op.query.map((q) => [q.name, valueOf(q.schema, known, q.name).map(String)])), {
      requiredKeys: op.query.filter((q) => q.required).map((q) => q.name),
    })
    .map((record) => Object.entries(record));
  const body = op.body ? valueOf(op.body, known) : fc.constant(undefined);
  return fc.record({ caller: fc.constantFrom<Caller>('admin', 'platform', 'creator', 'cron'), params, query, body });
}

/** Every place a string sits in a JSON value: as a value (`value`) or as an object key (`key`). */
function stringSlots(value: unknown, path: string[] = []): Array<{ path: string[]; as: 'value' | 'key' }> {
  if (typeof value === 'string') return [{ path, as: 'value' }];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringSlots(item, [...path, String(index)]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => [{ path: [...path, key], as: 'key' as const }, ...stringSlots(item, [...path, key])]);
  }
  return [];
}

/** `value` with the slot at `path` replaced by `text` (as the value, or as the key's new name). */
function withText(value: unknown, slot: { path: string[]; as: 'value' | 'key' }, text: string): unknown {
  const [head, ...rest] = slot.path;
  if (head === undefined) return text;
  if (Array.isArray(value)) return value.map((item, index) => (String(index) === head ? withText(item, { ...slot, path: rest }, text) : item));
  const record = value as Record<string, unknown>;
  if (rest.length === 0 && slot.as === 'key') {
    return Object.fromEntries(Object.entries(record).map(([key, item]) => (key === head ? [text, item] : [key, item])));
  }
  return { ...record, [head]: withText(record[head], { ...slot, path: rest }, text) };
}

/** The same value with `replacement` at the `index`-th leaf (or a new key when there is none). */
function withLeaf(value: unknown, index: number, replacement: unknown): unknown {
  const leaves: string[][] = [];
  const walk = (v: unknown, path: string[]) => {
    if (typeof v === 'object' && v !== null && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0)) {
      for (const [key, item] of Object.entries(v)) walk(item, [...path, key]);
    } else leaves.push(path);
  };
  walk(value, []);
  const path = leaves.length > 0 ? leaves[index % leaves.length]! : [];
  const set = (v: unknown, rest: string[]): unknown => {
    const [head, ...tail] = rest;
    if (head === undefined) return replacement;
    if (Array.isArray(v)) return v.map((item, i) => (String(i) === head ? set(item, tail) : item));
    if (typeof v === 'object' && v !== null) return { ...(v as Record<string, unknown>), [head]: set((v as Record<string, unknown>)[head], tail) };
    return replacement;
  };
  return path.length === 0 && typeof value === 'object' && value !== null ? { ...(value as object), extra: replacement } : set(value, path);
}

interface Sent {
  method: Operation['method'];
  url: string;
  caller: Caller;
  body?: unknown;
}

async function send(request: Sent) {
  const reply = await t.app.inject({
    method: request.method,
    url: request.url,
    headers: { ...who.headers[request.caller], ...(request.body !== undefined && { 'content-type': 'application/json' }) },
    ...(request.body !== undefined && { payload: JSON.stringify(request.body) }),
  });
  return { status: reply.statusCode, body: reply.body, contentType: String(reply.headers['content-type'] ?? '') };
}

/** The error model: JSON `{"error": {"code", "message", "details"?}}`. */
function isErrorReply(reply: { body: string; contentType: string }): boolean {
  if (!reply.contentType.startsWith('application/json')) return false;
  try {
    return errorReplySchema.safeParse(JSON.parse(reply.body)).success;
  } catch {
    return false;
  }
}

/** Row counts of every table the service writes, except the rate limiter's (which counts refused requests too). */
async function tableCounts(): Promise<Record<string, number>> {
  const { rows } = await t.database.db.execute<{ table_name: string }>(
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'rate_limit_hits' order by table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { table_name: table } of rows) {
    const result = await t.database.db.execute<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)}`);
    counts[table] = Number(result.rows[0]?.n ?? 0);
  }
  return counts;
}

/** What the whole service holds: its tables, and the objects of the Stripe sandbox. */
async function stateOfEverything() {
  return { tables: await tableCounts(), stripeObjects: t.sandbox!.state.dump().length };
}

async function expectInvariantsHold() {
  const ledger = await verifyLedger(t.database.db);
  const payouts = await verifyPayouts(t.database.db);
  expect([...ledger.checks, ...payouts.checks].filter((check) => !check.ok)).toEqual([]);
}

async function check(name: string, property: fc.IAsyncProperty<[unknown]> | fc.IAsyncPropertyWithHooks<[unknown]>, failures: string[]) {
  const result = await fc.check(property, { numRuns: RUNS, ...(SEED !== undefined && { seed: SEED }) });
  if (result.failed) failures.push(`${name}: ${fc.defaultReportMessage(result) ?? 'failed'}`);
}

describe(`every documented route under generated hostile input, on ${testDatabaseKind}`, () => {
  it('walks every operation of /openapi.json (webhooks by their own property)', () => {
    expect(operations.length).toBeGreaterThan(50);
    expect(operations.filter((op) => op.signed).map((op) => op.path)).toEqual(['/api/webhooks/stripe', '/api/payments/webhook', '/api/webhooks/stripe-payouts', '/api/webhooks/stripe-subscription']);
  });

  it('refuses text PostgreSQL cannot store in any body, query or path parameter with a 4xx, changing nothing', async () => {
    const before = await stateOfEverything();
    const failures: string[] = [];
    for (const op of operations.filter((o) => !o.signed)) {
      const where = fc.constantFrom(...(['query', ...(op.pathParams.length > 0 ? ['path'] : []), ...(hasBody(op) ? ['body'] : [])] as const));
      const hostile = fc
        .tuple(requestOf(op), where, fc.nat(), hostileTexts(), hostileTexts({ urlSafe: true }), fc.string({ minLength: 1, maxLength: 10 }))
        .map(([request, place, pick, text, urlText, extraName]): Sent & { place: string } => {
          const params = { ...request.params };
          const query = [...request.query];
          let body = request.body;
          if (place === 'path') params[op.pathParams[pick % op.pathParams.length]!.name] = urlText;
          else if (place === 'query') {
            const name = op.query.length > 0 ? op.query[pick % op.query.length]!.name : extraName;
            query.splice(0, query.length, ...query.filter(([key]) => key !== name), [name, urlText]);
          }
          else {
            const base = body === undefined ? { note: 'x' } : body;
            const slots = stringSlots(base);
            body = slots.length > 0 ? withText(base, slots[pick % slots.length]!, text) : withLeaf(base, pick, text);
          }
          return { method: op.method, url: urlOf(op, params, query), caller: request.caller, body: hasBody(op) ? (body ?? {}) : undefined, place };
        });
      await check(
        `${op.method} ${op.path}`,
        fc.asyncProperty(hostile, async (request) => {
          const reply = await send(request);
          const refused = reply.status >= 400 && reply.status < 500 && isErrorReply(reply);
          const code = refused ? (JSON.parse(reply.body) as { error: { code: string } }).error.code : undefined;
          // A path parameter the route's own pattern refuses (po_… only) is a 404 before any hook runs; a money route over its rate is a 429.
          const expected = request.place === 'path' ? ['INVALID_TEXT', 'NOT_FOUND', 'RATE_LIMITED'] : ['INVALID_TEXT', 'RATE_LIMITED'];
          // A generated dictionary (metadata) may hold a "__proto__" or "constructor" key: the JSON parser refuses such a body (prototype poisoning) before any hook looks at the text.
          if (/"(__proto__|constructor)":/.test(JSON.stringify(request.body) ?? '')) expected.push('INVALID_JSON');
          if (!refused || !expected.includes(code!)) throw new Error(`${reply.status} ${reply.body.slice(0, 300)}`);
        }) as fc.IAsyncProperty<[unknown]>,
        failures,
      );
    }
    expect(failures).toEqual([]);
    expect(await stateOfEverything()).toEqual(before);
    await expectInvariantsHold();
  }, WALK_TIMEOUT_MS);

  it('refuses signed Stripe events carrying such text with 400 INVALID_TEXT and stores nothing', async () => {
    const before = await stateOfEverything();
    const failures: string[] = [];
    const event = fc
      .record({
        id: fc.string({ minLength: 1, maxLength: 20 }).map((s) => `evt_${s}`),
        type: fc.constantFrom('payment_intent.succeeded', 'checkout.session.completed', 'charge.refunded', 'transfer.created', 'payout.paid', 'account.updated'),
        data: fc.record({
          object: fc.record({
            id: fc.string({ minLength: 1, maxLength: 20 }),
            object: fc.constantFrom('payment_intent', 'checkout.session', 'charge', 'transfer', 'payout', 'account'),
            amount: fc.integer({ min: 1, max: 1_000_000 }),
            currency: fc.constant('eur'),
            metadata: fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
          }),
        }),
      })
      .map((e) => ({ ...e, object: 'event', created: Math.floor(Date.now() / 1000), data: { object: { ...e.data.object, metadata: { creatorId: who.creator.creatorId, ...e.data.object.metadata } } } }));
    for (const op of operations.filter((o) => o.signed && o.method === 'POST')) {
      await check(
        `${op.method} ${op.path}`,
        fc.asyncProperty(fc.tuple(event, fc.nat(), hostileTexts()), async ([base, pick, text]) => {
          const slots = stringSlots(base).filter((slot) => slot.path.join('.') !== 'object');
          const payload = JSON.stringify(withText(base, slots[pick % slots.length]!, text));
          const reply = await t.app.inject({
            method: 'POST',
            url: op.path,
            headers: { 'content-type': 'application/json', 'stripe-signature': signWebhookPayload(payload, WEBHOOK_SECRET, Math.floor(Date.now() / 1000)) },
            payload,
          });
          const body = reply.json<{ error?: { code?: string } }>();
          if (reply.statusCode !== 400 || body.error?.code !== 'INVALID_TEXT') throw new Error(`${reply.statusCode} ${reply.body.slice(0, 300)}`);
        }) as fc.IAsyncProperty<[unknown]>,
        failures,
      );
    }
    expect(failures).toEqual([]);
    expect(await stateOfEverything()).toEqual(before);
  }, WALK_TIMEOUT_MS);

  it('never answers a 5xx to storable but wild values, and the invariants still hold', async () => {
    const failures: string[] = [];
    for (const op of operations.filter((o) => !o.signed && !(`${o.method} ${o.path}` in NOT_FOR_WILD_VALUES))) {
      const wild = fc
        .tuple(requestOf(op), fc.constantFrom('query', 'body', 'path', 'drop'), fc.nat(), wildValues, fc.string({ minLength: 1, maxLength: 10 }))
        .map(([request, place, pick, value, extraName]): Sent => {
          const params = { ...request.params };
          const query = [...request.query];
          let body = request.body;
          const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
          if (place === 'path' && op.pathParams.length > 0) params[op.pathParams[pick % op.pathParams.length]!.name] = text;
          else if (place === 'query' || !hasBody(op)) {
            const name = op.query.length > 0 ? op.query[pick % op.query.length]!.name : extraName;
            query.splice(0, query.length, ...query.filter(([key]) => key !== name), [name, text]);
          } else if (place === 'drop' && typeof body === 'object' && body !== null && !Array.isArray(body)) {
            const keys = Object.keys(body);
            body = Object.fromEntries(Object.entries(body).filter(([key]) => key !== keys[pick % Math.max(1, keys.length)]));
          } else body = withLeaf(body ?? {}, pick, value);
          return { method: op.method, url: urlOf(op, params, query), caller: request.caller, body: hasBody(op) ? (body ?? {}) : undefined };
        });
      await check(
        `${op.method} ${op.path}`,
        fc.asyncProperty(wild, async (request) => {
          const reply = await send(request);
          if (reply.status >= 500) throw new Error(`${reply.status} ${reply.body.slice(0, 300)}`);
          if (reply.status >= 400 && !isErrorReply(reply)) throw new Error(`${reply.status} not in the error format: ${reply.body.slice(0, 300)}`);
        }) as fc.IAsyncProperty<[unknown]>,
        failures,
      );
    }
    expect(failures).toEqual([]);
    await expectInvariantsHold();
  }, WALK_TIMEOUT_MS);
});
