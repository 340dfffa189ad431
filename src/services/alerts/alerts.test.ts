import { and, asc, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabaseKind } from '../../../test/database.js';
import type { Database } from '../../db/database.js';
import { alerts, auditEvents, outboxMessages } from '../../db/schema/index.js';
import { AdjustableClock } from '../../providers/clock/index.js';
import { acknowledgeAlert, resolveAlert, snoozeAlert } from './manage-alerts.js';
import { raiseAlert, raiseAlerts, type AlertInput } from './raise-alert.js';
import { resolveAlertsByFingerprint, resolveAlertsWhenCleared } from './resolve-cleared-alerts.js';

let database: Database;
const clock = new AdjustableClock();
beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 6 });
});
afterAll(async () => {
  await database?.close();
});

let counter = 0;
/** A fresh condition name per test, so tests sharing the database do not see each other's alerts. */
const fresh = (prefix: string) => `${prefix}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;

function staleAlert(payoutId: string, overrides: Partial<AlertInput> = {}): AlertInput {
  const payload = { payoutId, amount: '12600', currency: 'eur', status: 'PROCESSING', reason: 'no transfer' };
  return {
    type: 'payout_stale',
    severity: 'warning',
    subject: `Payout ${payoutId} stuck`,
    details: payload,
    fingerprint: `payout_stale:${payoutId}`,
    topic: 'alert.payout_stale',
    payload,
    at: clock.now(),
    ...overrides,
  };
}

const alertsOf = (fingerprint: string) => database.db.select().from(alerts).where(eq(alerts.fingerprint, fingerprint)).orderBy(asc(alerts.id));
const messagesAbout = (payoutId: string) =>
  database.db
    .select()
    .from(outboxMessages)
    .where(and(eq(outboxMessages.topic, 'alert.payout_stale'), like(outboxMessages.dedupeKey, 'alert.payout_stale:%')))
    .then((rows) => rows.filter((row) => row.payload.payoutId === payoutId));

describe(`alerts on ${testDatabaseKind}`, () => {
  it('opening an alert notifies the admins once; the condition found again counts an occurrence, and no second message', async () => {
    const payoutId = fresh('po');
    const first = await database.db.transaction((tx) => raiseAlert(tx, staleAlert(payoutId)));
    expect(first).toMatchObject({ opened: true, reminded: false, alert: { type: 'payout_stale', severity: 'warning', status: 'OPEN', occurrences: 1 } });
    clock.advance(900);
    const again = await database.db.transaction((tx) => raiseAlert(tx, staleAlert(payoutId, { subject: 'still stuck', severity: 'critical', at: clock.now() })));
    clock.advance(900);
    const at = clock.now();
    const third = await database.db.transaction((tx) => raiseAlert(tx, staleAlert(payoutId, { subject: 'stuck for 30 min', severity: 'info', at })));
    expect(again.opened).toBe(false);
    // The same alert, counted; the subject follows the latest finding; the severity never falls.
    expect(third).toMatchObject({ opened: false, alert: { id: first.alert.id, occurrences: 3, subject: 'stuck for 30 min', severity: 'critical', lastSeenAt: at, openedAt: first.alert.openedAt } });
    expect(await alertsOf(`payout_stale:${payoutId}`)).toHaveLength(1);
    const messages = await messagesAbout(payoutId);
    expect(messages).toMatchObject([{ recipient: 'admins', dedupeKey: `alert.payout_stale:${first.alert.id}`, payload: { payoutId, alertId: String(first.alert.id), reason: 'no transfer' } }]);
  });

  it('two transactions raising one condition at once make one alert and one message', async () => {
    const payoutId = fresh('po');
    const raised = await Promise.all([0, 1, 2, 3].map(() => database.db.transaction((tx) => raiseAlert(tx, staleAlert(payoutId)))));
    expect(raised.filter((r) => r.opened)).toHaveLength(1);
    expect(new Set(raised.map((r) => r.alert.id)).size).toBe(1);
    expect(await alertsOf(`payout_stale:${payoutId}`)).toMatchObject([{ occurrences: 4 }]);
    expect(await messagesAbout(payoutId)).toHaveLength(1);
  });

  it('a rolled-back change raises nothing and sends nothing; recorded again, it does', async () => {
    const payoutId = fresh('po');
    await expect(
      database.db.transaction(async (tx) => {
        await raiseAlert(tx, staleAlert(payoutId));
        throw new Error('the change failed after raising its alert');
      }),
    ).rejects.toThrow(/the change failed/);
    expect(await alertsOf(`payout_stale:${payoutId}`)).toEqual([]);
    expect(await messagesAbout(payoutId)).toEqual([]);
    await database.db.transaction((tx) => raiseAlert(tx, staleAlert(payoutId)));
    expect(await alertsOf(`payout_stale:${payoutId}`)).toHaveLength(1);
    expect(await messagesAbout(payoutId)).toHaveLength(1);
  });

  it('a condition that cleared is resolved by the system and audited; found again later, it is a new alert with its own message', async () => {
    const [gone, staying] = [fresh('po'), fresh('po')];
    const type = fresh('cleared_check');
    const raise = (payoutId: string) => database.db.transaction((tx) => raiseAlert(tx, staleAlert(payoutId, { type, fingerprint: `${type}:${payoutId}` })));
    const [a, b] = [await raise(gone), await raise(staying)];
    await acknowledgeAlert(database.db, { id: String(a.alert.id), actor: 'user:usr_admin' }, { clock });
    clock.advance(60);
    const at = clock.now();
    const resolved = await database.db.transaction((tx) => resolveAlertsWhenCleared(tx, { type, stillFiring: [`${type}:${staying}`], note: 'Cleared: the payout moved on', at }));
    expect(resolved.map((r) => r.id)).toEqual([a.alert.id]);
    expect(resolved[0]).toMatchObject({ status: 'RESOLVED', resolvedBy: 'system', resolvedAt: at, resolutionNote: 'Cleared: the payout moved on' });
    expect((await alertsOf(`${type}:${staying}`))[0]).toMatchObject({ id: b.alert.id, status: 'OPEN' });
    const [audit] = await database.db.select().from(auditEvents).where(and(eq(auditEvents.subjectType, 'alert'), eq(auditEvents.subjectId, String(a.alert.id)), eq(auditEvents.action, 'alert.resolved')));
    expect(audit).toMatchObject({ actor: 'system', fromStatus: 'ACKNOWLEDGED', toStatus: 'RESOLVED', reason: 'Cleared: the payout moved on', metadata: { type, automatic: true } });
    // Nothing still firing: everything of the type is resolved.
    expect((await database.db.transaction((tx) => resolveAlertsWhenCleared(tx, { type, stillFiring: [], at: clock.now() }))).map((r) => r.id)).toEqual([b.alert.id]);

    const reopened = await raise(gone);
    expect(reopened).toMatchObject({ opened: true, alert: { status: 'OPEN', occurrences: 1 } });
    expect(reopened.alert.id).not.toBe(a.alert.id);
    expect((await messagesAbout(gone)).map((m) => m.dedupeKey)).toEqual([`alert.payout_stale:${a.alert.id}`, `alert.payout_stale:${reopened.alert.id}`]);
    // Resolving an exact condition (an event ended it) leaves the others alone.
    expect((await database.db.transaction((tx) => resolveAlertsByFingerprint(tx, { fingerprints: [`${type}:${gone}`], note: 'ended', at: clock.now() }))).map((r) => r.id)).toEqual([reopened.alert.id]);
  });

  it('a snoozed alert stays quiet until its time; found again after it, the admins are reminded once', async () => {
    const payoutId = fresh('po');
    const { alert } = await database.db.transaction((tx) => raiseAlert(tx, staleAlert(payoutId)));
    const until = new Date(clock.now().getTime() + 3_600_000);
    expect(await snoozeAlert(database.db, { id: String(alert.id), actor: 'user:usr_admin', until }, { clock })).toMatchObject({ status: 'OPEN', snoozedUntil: until });
    clock.advance(1800);
    expect(await database.db.transaction((tx) => raiseAlert(tx, staleAlert(payoutId, { at: clock.now() })))).toMatchObject({ opened: false, reminded: false });
    clock.advance(1800);
    const lapsedAt = clock.now();
    const after = await Promise.all([0, 1].map(() => database.db.transaction((tx) => raiseAlert(tx, staleAlert(payoutId, { at: lapsedAt })))));
    expect(after.filter((r) => r.reminded)).toHaveLength(1);
    expect(after[0]!.alert.snoozedUntil).toBeNull();
    clock.advance(900);
    expect(await database.db.transaction((tx) => raiseAlert(tx, staleAlert(payoutId, { at: clock.now() })))).toMatchObject({ reminded: false, alert: { occurrences: 5 } });
    const messages = await messagesAbout(payoutId);
    expect(messages.map((m) => [m.dedupeKey, m.payload.reminder ?? false])).toEqual([
      [`alert.payout_stale:${alert.id}`, false],
      [`alert.payout_stale:${alert.id}:reminder:${lapsedAt.toISOString()}`, true],
    ]);
  });

  it('a batch that would open more than 100 alerts opens one summary instead; a later batch under the limit opens them one by one and resolves it', async () => {
    const tag = fresh('flood');
    const summary = { fingerprint: `alerts_summarised:${tag}`, source: 'Test check', at: clock.now() };
    const already = await database.db.transaction((tx) => raiseAlert(tx, staleAlert(`${tag}_0`)));
    const batch = Array.from({ length: 102 }, (_, i) => staleAlert(`${tag}_${i}`, i === 5 ? { severity: 'critical' } : {}));

    const flood = await database.db.transaction((tx) => raiseAlerts(tx, batch, { summary }));
    // 101 new (more than 100): none opened; the one already open is counted as usual.
    expect(flood.summarised).toBe(101);
    expect(flood.raised).toMatchObject([{ opened: false, alert: { id: already.alert.id, occurrences: 2 } }]);
    expect(flood.summary).toMatchObject({ opened: true, alert: { type: 'alerts_summarised', severity: 'critical', status: 'OPEN', details: { count: 101, types: [{ type: 'payout_stale', count: 101 }] } } });
    expect(await database.db.select().from(alerts).where(like(alerts.fingerprint, `payout_stale:${tag}_%`))).toHaveLength(1);
    const summaryMessages = await database.db.select().from(outboxMessages).where(eq(outboxMessages.topic, 'alert.alerts_summarised'));
    expect(summaryMessages.filter((m) => m.payload.alertId === String(flood.summary!.alert.id))).toMatchObject([{ recipient: 'admins', payload: { count: 101, severity: 'critical' } }]);

    // The flood lasts: the summary is counted, not sent again.
    const still = await database.db.transaction((tx) => raiseAlerts(tx, batch, { summary }));
    expect(still.summary).toMatchObject({ opened: false, alert: { id: flood.summary!.alert.id, occurrences: 2 } });

    // 100 new at most: each opens (and notifies); the summary is resolved.
    const fewer = await database.db.transaction((tx) => raiseAlerts(tx, batch.slice(0, 101), { summary }));
    expect(fewer.summary).toBeNull();
    expect(fewer.raised.filter((r) => r.opened)).toHaveLength(100);
    expect((await alertsOf(summary.fingerprint))[0]).toMatchObject({ status: 'RESOLVED', resolvedBy: 'system' });
    expect(await database.db.select().from(alerts).where(like(alerts.fingerprint, `payout_stale:${tag}_%`))).toHaveLength(101);
  });

  it('an admin resolution needs a note; acknowledging or resolving twice is refused with a stable code', async () => {
    const { alert } = await database.db.transaction((tx) => raiseAlert(tx, staleAlert(fresh('po'))));
    const id = String(alert.id);
    for (const note of ['', '   \n']) {
      await expect(resolveAlert(database.db, { id, actor: 'user:usr_admin', note }, { clock })).rejects.toMatchObject({ code: 'ALERT_NOTE_REQUIRED', kind: 'invalid' });
    }
    const acknowledged = await acknowledgeAlert(database.db, { id, actor: 'user:usr_a' }, { clock });
    expect(acknowledged).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedBy: 'user:usr_a' });
    expect(acknowledged.acknowledgedAt).toBeInstanceOf(Date);
    await expect(acknowledgeAlert(database.db, { id, actor: 'user:usr_b' }, { clock })).rejects.toMatchObject({ code: 'ALERT_ALREADY_ACKNOWLEDGED', kind: 'conflict', details: { status: 'ACKNOWLEDGED', by: 'user:usr_a' } });
    expect(await resolveAlert(database.db, { id, actor: 'user:usr_b', note: '  Paid by hand in Stripe  ' }, { clock })).toMatchObject({ status: 'RESOLVED', resolvedBy: 'user:usr_b', resolutionNote: 'Paid by hand in Stripe' });
    for (const action of [
      () => resolveAlert(database.db, { id, actor: 'user:usr_a', note: 'again' }, { clock }),
      () => acknowledgeAlert(database.db, { id, actor: 'user:usr_a' }, { clock }),
      () => snoozeAlert(database.db, { id, actor: 'user:usr_a', until: new Date(clock.now().getTime() + 60_000) }, { clock }),
    ]) {
      await expect(action()).rejects.toMatchObject({ code: 'ALERT_ALREADY_RESOLVED', kind: 'conflict' });
    }
    await expect(acknowledgeAlert(database.db, { id: 'nope', actor: 'user:usr_a' }, { clock })).rejects.toMatchObject({ code: 'ALERT_NOT_FOUND', kind: 'not_found' });
  });
});
