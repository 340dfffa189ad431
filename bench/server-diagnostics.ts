import { readFileSync } from 'node:fs';
import pg from 'pg';

/** What the PostgreSQL server did during one run, per transaction, and what its backends waited on. */
export interface ServerDiagnostics {
  walBytesPerTx: number;
  /** CPU of the run's backends (from /proc, when the server runs on this machine), µs per transaction; undefined if unreadable. */
  serverCpuUsPerTx: number | undefined;
  /** Share of sampled active backends per wait event ("CPU" = active, not waiting), highest first. */
  waits: Array<{ event: string; share: number }>;
  samples: number;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * Watch a run from a separate connection: WAL written (the server-wide LSN advance, so another
 * database's writes during the run count too), CPU time of this database's backends read from
 * /proc, and `pg_stat_activity` sampled every `intervalMs` for what the run's backends wait on.
 * PostgreSQL only: on PGlite a second session would queue behind the run.
 */
export async function watchServer(connectionString: string, intervalMs = 25): Promise<{ stop: (transactions: number) => Promise<ServerDiagnostics> }> {
  const host = new URL(connectionString).hostname;
  const local = ['127.0.0.1', 'localhost', '::1', '[::1]', ''].includes(host);
  const processCpuTicks = (pid: number) => (local ? localProcessCpuTicks(pid) : undefined);
  const client = new pg.Client({ connectionString });
  await client.connect();
  const myPid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid;
  const backendPids = async () =>
    (await client.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()')).rows.map((r) => r.pid);
  const cpuBefore = new Map((await backendPids()).map((pid) => [pid, processCpuTicks(pid)]));
  const lsnBefore = (await client.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn')).rows[0]?.lsn;

  const counts = new Map<string, number>();
  let samples = 0;
  let stopped = false;
  const sampling = (async () => {
    while (!stopped) {
      const { rows } = await client.query<{ event: string; n: number }>(
        `select coalesce(wait_event_type || ':' || wait_event, 'CPU') as event, count(*)::int as n
           from pg_stat_activity
          where datname = current_database() and pid <> $1 and state = 'active'
          group by 1`,
        [myPid],
      );
      for (const row of rows) {
        counts.set(row.event, (counts.get(row.event) ?? 0) + row.n);
        samples += row.n;
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();

  return {
    async stop(transactions: number): Promise<ServerDiagnostics> {
      stopped = true;
      await sampling;
      try {
        const { rows } = await client.query<{ bytes: string }>('select pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::text as bytes', [lsnBefore]);
        let cpuTicks: number | undefined = 0;
        for (const pid of await backendPids()) {
          const now = processCpuTicks(pid);
          if (now === undefined || cpuTicks === undefined) cpuTicks = undefined;
          else cpuTicks += now - (cpuBefore.get(pid) ?? 0);
        }
        const waits = [...counts]
          .map(([event, n]) => ({ event, share: samples === 0 ? 0 : n / samples }))
          .sort((a, b) => b.share - a.share);
        return {
          walBytesPerTx: Number(rows[0]?.bytes ?? 0) / transactions,
          serverCpuUsPerTx: cpuTicks === undefined ? undefined : (cpuTicks * (1_000_000 / CLOCK_TICKS_PER_SECOND)) / transactions,
          waits,
          samples,
        };
      } finally {
        await client.end();
      }
    },
  };
}

/** utime + stime of a local process, in clock ticks; undefined if it is not readable (remote server, other user). */
function localProcessCpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ", field 3 (state) is index 0: utime is field 14, stime field 15.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** "CPU 62 %, LWLock:WALWrite 20 %, …" — the top `limit` events. */
export function formatWaits(diagnostics: ServerDiagnostics, limit = 5): string {
  return diagnostics.waits
    .slice(0, limit)
    .map((w) => `${w.event} ${Math.round(w.share * 100)} %`)
    .join(', ');
}
