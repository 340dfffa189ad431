import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { testDatabaseKind } from '../../../test/database.js';
import { createPrincipals, type TestPrincipals } from '../../../test/principals.js';
import { raiseAlert, type AlertInput } from '../../services/alerts/raise-alert.js';
import { createApiKey } from '../../services/api-keys/create-api-key.js';

let t: TestApp;
let who: TestPrincipals;
/** A second admin, to click at the same time as the first. */
let otherAdmin: { id: string; headers: Record<string, string> };
let adminKeyId: string;

beforeAll(async () => {
  t = await createTestApp();
  who = await createPrincipals(t);
  const key = await t.database.db.transaction((tx) => createApiKey(tx, { role: 'ADMIN', name: 'second admin', actor: 'test' }, t));
  otherAdmin = { id: key.id, headers: { authorization: `Bearer ${key.key}` } };
  adminKeyId = (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: who.headers.admin })).json().principal.apiKeyId;
});
afterAll(async () => {
  await t?.close();
});

let counter = 0;
async function raised(overrides: Partial<AlertInput> = {}): Promise<string> {
  const payoutId = `po_alerts_${++counter}`;
  const payload = { payoutId, amount: '12600', currency: 'eur', reason: 'no transfer' };
  const { alert } = await t.database.db.transaction((tx) =>
    raiseAlert(tx, { type: 'payout_stale', severity: 'warning', subject: `Payout ${payoutId} stuck`, details: payload, fingerprint: `payout_stale:${payoutId}`, topic: 'alert.payout_stale', payload, at: t.clock.now(), ...overrides }),
  );
  return String(alert.id);
}

const post = (url: string, payload?: unknown, headers = who.headers.admin) => t.app.inject({ method: 'POST', url, headers, ...(payload !== undefined && { payload: payload as object }) });
const list = (query: string) => t.app.inject({ method: 'GET', url: `/api/admin/alerts${query}`, headers: who.headers.admin });
const inAnHour = () => new Date(t.clock.now().getTime() + 3_600_000).toISOString();

describe(`admin alerts API on ${testDatabaseKind}`, () => {
  it("gives each alert a headline in the reader's language: its notification's subject, or its own where its type has none", async () => {
    const id = await raised();
    const one = async (headers: Record<string, string>) =>
      (await t.app.inject({ method: 'GET', url: '/api/admin/alerts?type=payout_stale&limit=200', headers: { ...who.headers.admin, ...headers } })).json().data.find((a: { id: string }) => a.id === id);
    expect(await one({})).toMatchObject({ subject: expect.stringMatching(/^Payout po_alerts_\d+ stuck$/), headline: 'Payout of €126.00 stuck in processing' });
    expect(await one({ 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.8' })).toMatchObject({ headline: 'Paiement de 126,00\u00a0€ bloqué en traitement' });
    expect((await one({ 'accept-language': 'en-GB,fr;q=0.5' })).headline).toBe('Payout of €126.00 stuck in processing');
    const acknowledged = await post(`/api/admin/alerts/${id}/acknowledge`, undefined, { ...who.headers.admin, 'accept-language': 'fr' });
    expect(acknowledged.json()).toMatchObject({ status: 'ACKNOWLEDGED', headline: 'Paiement de 126,00\u00a0€ bloqué en traitement' });

    const type = `no_template_${Date.now()}`;
    const other = await raised({ type, fingerprint: `${type}:1` });
    expect((await list(`?type=${type}`)).json().data).toMatchObject([{ id: other, headline: expect.stringMatching(/^Payout po_alerts_\d+ stuck$/) }]);
  });

  it('lists alerts newest first, filtered by status, severity and type, page by page', async () => {
    const type = `list_check_${Date.now()}`;
    const ids = [];
    for (const severity of ['warning', 'critical', 'critical'] as const) ids.push(await raised({ type, severity, fingerprint: `${type}:${ids.length}` }));
    await post(`/api/admin/alerts/${ids[2]}/acknowledge`);

    const all = await list(`?type=${type}`);
    expect(all.statusCode).toBe(200);
    expect(all.json().data.map((a: { id: string }) => a.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(all.json().data[2]).toMatchObject({
      type,
      severity: 'warning',
      status: 'OPEN',
      subject: expect.stringMatching(/^Payout po_alerts_\d+ stuck$/),
      details: { reason: 'no transfer' },
      occurrences: 1,
      snoozed: false,
      snoozedUntil: null,
      acknowledgedBy: null,
      resolvedAt: null,
    });
    expect((await list(`?type=${type}&severity=critical&status=OPEN`)).json().data.map((a: { id: string }) => a.id)).toEqual([ids[1]]);
    expect((await list(`?type=${type}&status=ACKNOWLEDGED`)).json().data.map((a: { id: string }) => a.id)).toEqual([ids[2]]);

    const first = (await list(`?type=${type}&limit=2`)).json();
    expect(first.data).toHaveLength(2);
    const second = (await list(`?type=${type}&limit=2&cursor=${first.nextCursor}`)).json();
    expect(second).toEqual({ data: [expect.objectContaining({ id: ids[0] })], nextCursor: null });

    expect((await list('?cursor=not-a-cursor')).json()).toMatchObject({ error: { code: 'INVALID_CURSOR' } });
    for (const query of ['?status=CLOSED', '?severity=high', '?limit=0', '?colour=red']) {
      const reply = await list(query);
      expect([reply.statusCode, reply.json().error.code]).toEqual([400, 'VALIDATION_ERROR']);
    }
  });

  it('acknowledge, then resolve with a note: each step recorded on the alert and in the audit trail', async () => {
    const id = await raised();
    const acknowledged = await post(`/api/admin/alerts/${id}/acknowledge`);
    expect(acknowledged.statusCode).toBe(200);
    expect(acknowledged.json()).toMatchObject({ id, status: 'ACKNOWLEDGED', acknowledgedBy: `api_key:${adminKeyId}` });

    for (const payload of [{}, { note: '' }, { note: '  \n ' }]) {
      const reply = await post(`/api/admin/alerts/${id}/resolve`, payload);
      expect([reply.statusCode, reply.json().error.code]).toEqual([400, 'ALERT_NOTE_REQUIRED']);
    }
    const tooLong = await post(`/api/admin/alerts/${id}/resolve`, { note: 'x'.repeat(2001) });
    expect([tooLong.statusCode, tooLong.json().error.code]).toEqual([400, 'ALERT_NOTE_TOO_LONG']);

    const resolved = await post(`/api/admin/alerts/${id}/resolve`, { note: 'Transfer made by hand in the Stripe dashboard' }, otherAdmin.headers);
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json()).toMatchObject({ status: 'RESOLVED', resolvedBy: `api_key:${otherAdmin.id}`, resolutionNote: 'Transfer made by hand in the Stripe dashboard', acknowledgedBy: `api_key:${adminKeyId}` });
    expect(new Date(resolved.json().resolvedAt).getTime()).toBeGreaterThanOrEqual(new Date(resolved.json().acknowledgedAt).getTime());

    const audit = await t.app.inject({ method: 'GET', url: `/api/admin/audit?subjectType=alert&subjectId=${id}`, headers: who.headers.admin });
    expect(audit.json().data.map((e: { action: string; actor: string; fromStatus: string; toStatus: string; reason: string | null }) => [e.action, e.actor, e.fromStatus, e.toStatus, e.reason])).toEqual([
      ['alert.resolved', `api_key:${otherAdmin.id}`, 'ACKNOWLEDGED', 'RESOLVED', 'Transfer made by hand in the Stripe dashboard'],
      ['alert.acknowledged', `api_key:${adminKeyId}`, 'OPEN', 'ACKNOWLEDGED', null],
    ]);

    for (const [action, payload] of [
      ['acknowledge', undefined],
      ['resolve', { note: 'again' }],
      ['snooze', { until: inAnHour() }],
    ] as const) {
      const reply = await post(`/api/admin/alerts/${id}/${action}`, payload);
      expect([reply.statusCode, reply.json().error.code, reply.json().error.details]).toEqual([409, 'ALERT_ALREADY_RESOLVED', { status: 'RESOLVED', by: `api_key:${otherAdmin.id}` }]);
    }
    for (const unknown of ['999999999', 'al_nope']) {
      const reply = await post(`/api/admin/alerts/${unknown}/acknowledge`);
      expect([reply.statusCode, reply.json().error.code]).toEqual([404, 'ALERT_NOT_FOUND']);
    }
  });

  it('snoozes until a time ahead (at most 30 days), and says what is wrong otherwise', async () => {
    const id = await raised();
    const snooze = (until: unknown) => post(`/api/admin/alerts/${id}/snooze`, { until });
    const now = t.clock.now().getTime();
    const refusals: Array<[unknown, string]> = [
      [new Date(now - 60_000).toISOString(), 'ALERT_SNOOZE_NOT_IN_FUTURE'],
      [new Date(now + 31 * 86_400_000).toISOString(), 'ALERT_SNOOZE_TOO_LONG'],
      ['tomorrow', 'VALIDATION_ERROR'],
      ['2026-03-01T10:00:00', 'VALIDATION_ERROR'], // no offset: which time zone?
      [1_800_000_000, 'VALIDATION_ERROR'],
    ];
    for (const [until, code] of refusals) {
      const reply = await snooze(until);
      expect([reply.statusCode, reply.json().error.code]).toEqual([400, code]);
    }
    const until = new Date(now + 2 * 3_600_000).toISOString().replace('Z', '+00:00');
    const reply = await snooze(until);
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toMatchObject({ id, status: 'OPEN', snoozed: true, snoozedUntil: new Date(until).toISOString() });
    expect((await list('?status=OPEN&limit=200')).json().data.find((a: { id: string }) => a.id === id)).toMatchObject({ snoozed: true });
    const audit = await t.app.inject({ method: 'GET', url: `/api/admin/audit?subjectType=alert&subjectId=${id}&action=alert.snoozed`, headers: who.headers.admin });
    expect(audit.json().data).toMatchObject([{ actor: `api_key:${adminKeyId}`, fromStatus: 'OPEN', toStatus: 'OPEN', metadata: { until: new Date(until).toISOString(), previousUntil: null } }]);
  });

  it('two admins clicking at once: one wins, the other gets 409 with a stable code', async () => {
    const id = await raised();
    const acknowledgements = await Promise.all([post(`/api/admin/alerts/${id}/acknowledge`), post(`/api/admin/alerts/${id}/acknowledge`, undefined, otherAdmin.headers)]);
    expect(acknowledgements.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(acknowledgements.find((r) => r.statusCode === 409)!.json().error.code).toBe('ALERT_ALREADY_ACKNOWLEDGED');

    const resolutions = await Promise.all([
      post(`/api/admin/alerts/${id}/resolve`, { note: 'first admin' }),
      post(`/api/admin/alerts/${id}/resolve`, { note: 'second admin' }, otherAdmin.headers),
    ]);
    expect(resolutions.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const winner = resolutions.find((r) => r.statusCode === 200)!.json();
    expect(resolutions.find((r) => r.statusCode === 409)!.json().error).toMatchObject({ code: 'ALERT_ALREADY_RESOLVED', details: { status: 'RESOLVED', by: winner.resolvedBy } });
    // One resolution in the audit trail, the winner's.
    const audit = await t.app.inject({ method: 'GET', url: `/api/admin/audit?subjectType=alert&subjectId=${id}&action=alert.resolved`, headers: who.headers.admin });
    expect(audit.json().data).toMatchObject([{ actor: winner.resolvedBy, reason: winner.resolutionNote }]);
  });
});
