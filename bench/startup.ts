/**
 * The first five minutes (issue 12 §6), timed as a newcomer meets them: `npm start` on a fresh data
 * directory until `/healthz` answers with the demo seeded, then each short CLI command through
 * `npx`, with the server running (the commands go through its socket) and without it (they open the
 * embedded database themselves). Every figure is printed with the load average it was taken under:
 * on this shared 2-core machine the same run is 2-5 times slower when others are busy.
 *
 *   npx tsx bench/startup.ts [--repo DIR] [--runs N] [--starts N] [--only start|cli] [--direct] [--keep]
 *
 * --repo runs another checkout (e.g. an export of an older commit with node_modules linked) to
 * compare before/after on the same machine. Each start is phased from the service's own log lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';

interface Options {
  repo: string;
  runs: number;
  starts: number;
  only?: 'start' | 'cli';
  keep: boolean;
  direct: boolean;
}

const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number ≥ 1');
  return n;
};

const program = new Command('bench/startup.ts')
  .option('--repo <dir>', 'the checkout to measure', resolve(import.meta.dirname, '..'))
  .option('--runs <n>', 'runs of each CLI command', positive, 5)
  .option('--starts <n>', 'cold starts on a fresh data directory', positive, 3)
  .option('--only <part>', 'start or cli')
  .option('--keep', 'keep the data directories', false)
  .option('--direct', 'start with `node bin/payouts.js serve` instead of `npm start` (no npm, no build check)', false);
const options = program.parse().opts<Options>();

const load = () => os.loadavg()[0]?.toFixed(2) ?? '?';

/**
 * CPU seconds (user + system) used so far by the live processes of a process group and by the
 * children they have reaped: a figure that, unlike wall time, barely moves with the machine's load.
 */
function groupCpuSeconds(pgid: number): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // After "pid (comm) ": state ppid pgrp … utime(14) stime(15) cutime(16) cstime(17), counted from field 1.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) !== pgid) continue;
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return ticks / 100; // USER_HZ
}
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** A free loopback port, so /healthz can be polled from the first millisecond. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, STRIPE_SANDBOX_PORT: '0', LOG_LEVEL: 'info', ...extra };
  for (const name of ['DATABASE_URL', 'STRIPE_SECRET_KEY', 'STRIPE_API_BASE', 'DEMO', 'NODE_ENV', 'PAYOUTS_FROM_SOURCE']) if (!(name in extra)) delete base[name];
  return base;
}

interface Start {
  child: ChildProcess;
  port: number;
  /** ms from spawn to: the first 200 from /healthz; the "Payouts is listening" line (after the demo seed); and each log line. */
  healthzMs: number;
  readyMs: number;
  /** CPU seconds of npm, the build check and the service until ready. */
  cpuSeconds: number;
  phases: Array<{ ms: number; msg: string }>;
  load: string;
}

/** `npm start` on `dataDir`, until /healthz answers and the service says it is listening (demo seeded). */
async function coldStart(dataDir: string): Promise<Start> {
  const port = await freePort();
  const started = performance.now();
  const [command, args] = options.direct ? [process.execPath, [join(options.repo, 'bin/payouts.js'), 'serve']] : ['npm', ['start', '--silent']];
  const child = spawn(command, args, { cwd: options.repo, env: env({ DATA_DIR: dataDir, PORT: String(port) }), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const phases: Array<{ ms: number; msg: string }> = [];
  let readyMs = 0;
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const at = performance.now() - started;
    output += chunk.toString('utf8');
    let newline: number;
    while ((newline = output.indexOf('\n')) >= 0) {
      const line = output.slice(0, newline);
      output = output.slice(newline + 1);
      let msg = line;
      try {
        msg = String((JSON.parse(line) as { msg?: unknown }).msg ?? line);
      } catch {
        // not a JSON line (npm's own output)
      }
      if (/^(incoming request|request completed|webhook event received)/.test(msg)) continue;
      phases.push({ ms: at, msg: msg.split('\n')[0]?.slice(0, 90) ?? '' });
      if (msg.startsWith('Payouts is listening')) readyMs = at;
    }
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  let healthzMs = 0;
  const deadline = started + 120_000;
  while ((healthzMs === 0 || readyMs === 0) && performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}: ${stderr}`);
    if (healthzMs === 0) {
      try {
        const reply = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (reply.ok) healthzMs = performance.now() - started;
      } catch {
        // not listening yet
      }
    }
    await new Promise((done) => setTimeout(done, 10));
  }
  if (readyMs === 0) throw new Error(`the service did not get ready within 120 s: ${stderr}`);
  const cpuSeconds = child.pid === undefined ? NaN : groupCpuSeconds(child.pid);
  const reply = await fetch(`http://127.0.0.1:${port}/healthz`);
  if (!reply.ok) throw new Error(`/healthz answered ${reply.status} once ready`);
  return { child, port, healthzMs, readyMs, cpuSeconds, phases, load: load() };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((done) => child.once('exit', done));
  process.kill(-child.pid, 'SIGTERM'); // the process group this script started: npm, its shell, the service
  await exited;
}

/** A command timed from spawn to exit (wall ms), with its CPU seconds and its children's; fails on a non-zero exit. */
async function timeCommand(command: string, args: string[], dataDir: string): Promise<{ ms: number; cpuSeconds: number }> {
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  const child = spawn(command, args, { cwd: options.repo, env: env({ DATA_DIR: dataDir }), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr}`);
  return { ms, cpuSeconds: childrenCpuSeconds() - cpuBefore };
}

/** CPU of this process's reaped children (getrusage RUSAGE_CHILDREN, read from /proc/self/stat). */
function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

const cliCommands: Array<{ name: string; args: () => string[] }> = [
  { name: 'verify', args: () => ['verify'] },
  { name: 'users create', args: () => ['users', 'create', '--email', `bench-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.test`, '--name', 'Bench', '--role', 'creator'] },
  { name: 'jobs list', args: () => ['jobs', 'list'] },
];

async function measureCli(dataDir: string, situation: string): Promise<void> {
  for (const { name, args } of cliCommands) {
    for (const [runner, prefix] of [['npx payouts', ['payouts']], ['node bin/payouts.js', [join(options.repo, 'bin/payouts.js')]]] as const) {
      const times: number[] = [];
      const cpu: number[] = [];
      const loads: string[] = [];
      for (let run = 0; run < options.runs; run++) {
        const timed = await timeCommand(runner.startsWith('npx') ? 'npx' : process.execPath, [...prefix, ...args()], dataDir);
        times.push(timed.ms);
        cpu.push(timed.cpuSeconds);
        loads.push(load());
      }
      console.log(
        `  ${`${runner} ${name}`.padEnd(34)} ${situation.padEnd(15)} median ${seconds(median(times))}  min ${seconds(Math.min(...times))}  cpu ${median(cpu).toFixed(2)} s  (runs: ${times.map((t) => (t / 1000).toFixed(2)).join(', ')}; load ${loads[0]}→${loads.at(-1)})`,
      );
    }
  }
}

const dirs: string[] = [];
const freshDataDir = () => {
  const dir = join(mkdtempSync(join(os.tmpdir(), 'payouts-startup-')), 'data');
  dirs.push(dir);
  return dir;
};

console.log(`bench/startup.ts on ${options.repo}: ${os.cpus().length} cores, Node ${process.version}, load average now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
let lastDataDir: string | undefined;
let server: Start | undefined;
try {
  if (options.only !== 'cli') {
    console.log(`\n${options.direct ? 'node bin/payouts.js serve' : 'npm start'} on a fresh DATA_DIR, until /healthz answers with the demo seeded (${options.starts} starts):`);
    const figures: number[] = [];
    for (let i = 0; i < options.starts; i++) {
      lastDataDir = freshDataDir();
      const start = await coldStart(lastDataDir);
      figures.push(Math.max(start.healthzMs, start.readyMs));
      console.log(`  start ${i + 1}: ${seconds(Math.max(start.healthzMs, start.readyMs))} (first /healthz 200 at ${seconds(start.healthzMs)}; cpu ${start.cpuSeconds.toFixed(2)} s; load ${start.load})`);
      if (i === 0) for (const phase of start.phases) console.log(`      ${seconds(phase.ms).padStart(8)}  ${phase.msg}`);
      if (i < options.starts - 1 || options.only === 'start') await stop(start.child);
      else server = start;
    }
    console.log(`  median ${seconds(median(figures))}, min ${seconds(Math.min(...figures))}`);
  }
  if (options.only !== 'start') {
    if (!server) {
      lastDataDir = freshDataDir();
      server = await coldStart(lastDataDir);
    }
    if (!lastDataDir) throw new Error('no data directory');
    console.log(`\nCLI commands, ${options.runs} runs each (wall time from spawn to exit):`);
    await measureCli(lastDataDir, 'server running');
    await stop(server.child);
    server = undefined;
    await measureCli(lastDataDir, 'no server');
  }
} finally {
  if (server) await stop(server.child);
  if (!options.keep) for (const dir of dirs) rmSync(join(dir, '..'), { recursive: true, force: true });
}
