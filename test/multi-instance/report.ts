import type { MailRecorder } from './mail-recorder.js';
import type { ProxyFigures } from './round-robin-proxy.js';
import type { InstanceFigures } from './service-cluster.js';
import type { Check, DriveFigures } from './workload.js';

/** The per-instance split as a Markdown table: what each instance answered at the load balancer, ran, received and sent. */
export function formatSplit(input: { instances: readonly InstanceFigures[]; proxy: ProxyFigures; drive: DriveFigures; mail: MailRecorder }): string {
  const { instances, proxy, drive, mail } = input;
  const total = (record: Record<string, number> | undefined) => Object.values(record ?? {}).reduce((a, b) => a + b, 0);
  const allRequests = instances.reduce((sum, i) => sum + total(proxy.answered[i.name]), 0);
  const lines = [
    '| instance | requests (share) | webhooks | payments API | creator payout calls | admin | tokens | cron sweeps run (updated) | scheduler job runs | emails sent | starts (ms) | stops: drained ms (left in flight), exit, ms |',
    '|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|:--|:--|',
  ];
  for (const instance of instances) {
    const answered = proxy.answered[instance.name]!;
    const requests = total(answered);
    const sweeps = total(drive.sweepsByInstance[instance.name]);
    const scheduler = total(instance.schedulerJobRuns);
    const emails = mail.accepted.filter((m) => m.instance === instance.name).length;
    lines.push(
      `| ${instance.name} | ${requests.toLocaleString('en')} (${allRequests ? ((100 * requests) / allRequests).toFixed(1) : '0'} %) | ${answered.webhooks.toLocaleString('en')} | ${answered.payments.toLocaleString('en')} | ${answered['payout-requests'].toLocaleString('en')} | ${answered.admin.toLocaleString('en')} | ${answered.tokens} | ${sweeps} (${drive.sweepUpdatesByInstance[instance.name] ?? 0}) | ${scheduler} | ${emails.toLocaleString('en')} | ${instance.startMs.join(', ')} | ${instance.stops.map((s) => `${s.drainMs} (${s.leftInFlight}), ${s.code ?? s.signal}, ${s.shutdownMs}`).join('; ')} |`,
    );
  }
  return lines.join('\n');
}

export function formatChecks(checks: readonly Check[]): string {
  return checks.map((check) => `  ${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`).join('\n');
}

/** Anything an instance logged at error level, and the last lines of an instance that did not stop cleanly. */
export function formatInstanceTrouble(instances: readonly InstanceFigures[]): string {
  const lines: string[] = [];
  for (const instance of instances) {
    if (instance.errorCount > 0) lines.push(`instance ${instance.name}: ${instance.errorCount} error line(s), first: ${instance.errors.join('\n    ')}`);
    if (instance.slowRequests.length > 0) lines.push(`instance ${instance.name}: slowest requests ${instance.slowRequests.map((r) => `${r.url} ${r.ms} ms`).join(', ')}`);
    for (const stop of instance.stops) if (stop.tail) lines.push(`instance ${instance.name} exited ${stop.code ?? stop.signal} after ${stop.shutdownMs} ms; its last lines:\n    ${stop.tail.join('\n    ')}`);
  }
  return lines.join('\n');
}
