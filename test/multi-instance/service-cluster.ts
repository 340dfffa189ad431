import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { configVariables } from '../../src/config/config.js';
import type { RoundRobinProxy } from './round-robin-proxy.js';

/** The real executable, as `npx payouts` runs it. */
const bin = fileURLToPath(new URL('../../bin/payouts.js', import.meta.url));

/** What one instance (all its generations: a restart keeps the name) did, read from its JSON log lines. */
export interface InstanceFigures {
  name: string;
  /** Milliseconds from spawn to "Payouts is listening", per start. */
  startMs: number[];
  /** Migrations each start applied (0 when they were applied once per release, before). */
  migrationsApplied: number[];
  /** Each stop: exit code (0 = graceful), signal, and milliseconds from SIGTERM to exit. */
  stops: InstanceStop[];
  /** Runs of each job by this instance's built-in scheduler (pg-boss), from its `Job <name>: …` lines. */
  schedulerJobRuns: Record<string, number>;
  /** Stripe events this instance received (processed, ignored or duplicate) and those whose handler failed. */
  webhookEvents: number;
  webhookFailures: number;
  /** HTTP requests this instance logged. */
  requests: number;
  /** The slowest requests (over 3 s), slowest first: what a graceful stop may have to wait for. */
  slowRequests: { url: string; ms: number }[];
  /** Log lines at level error or fatal: how many, and the first few. */
  errorCount: number;
  errors: string[];
}

export interface InstanceStop {
  /** How long the load balancer drained it before the SIGTERM, and the requests still in flight then. */
  drainMs: number;
  leftInFlight: number;
  code: number | null;
  signal: string | null;
  shutdownMs: number;
  /** The instance's last log lines when it did not exit 0. */
  tail?: string[];
}

interface RunningInstance {
  child: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * N `payouts serve` processes on one database behind a `RoundRobinProxy`: started, stopped with
 * SIGTERM, restarted in turn (a rolling restart), each one's log lines counted. Every instance
 * gets the same environment except `SMTP_URL` (`envFor(name)`), `PORT=0` (a free port) and
 * `HOST=127.0.0.1`; inherited configuration variables are dropped so the caller's environment
 * decides alone.
 */
export class ServiceCluster {
  private readonly running = new Map<string, RunningInstance>();
  private readonly figures = new Map<string, InstanceFigures>();
  /** The last lines of output of each instance, for an error message when one dies. */
  private readonly tails = new Map<string, string[]>();
  /** URL of each request in flight, by request id (its "request completed" line names only the id). */
  private readonly inFlight = new Map<string, string>();

  constructor(
    readonly names: readonly string[],
    private readonly envFor: (name: string) => Record<string, string>,
    private readonly proxy: RoundRobinProxy,
  ) {
    for (const name of names) {
      this.figures.set(name, { name, startMs: [], migrationsApplied: [], stops: [], schedulerJobRuns: {}, webhookEvents: 0, webhookFailures: 0, requests: 0, slowRequests: [], errorCount: 0, errors: [] });
      this.tails.set(name, []);
    }
  }

  /** Start every instance (at once) and put each in rotation once it listens. */
  async startAll(): Promise<void> {
    await Promise.all(this.names.map((name) => this.start(name)));
  }

  /** Start one instance and put it in rotation once it says it listens. */
  async start(name: string): Promise<void> {
    if (this.running.has(name)) throw new Error(`instance ${name} is running already`);
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const variable of configVariables) delete env[variable];
    Object.assign(env, { LOG_LEVEL: 'info', ...this.envFor(name), PORT: '0', HOST: '127.0.0.1' });
    this.tails.set(name, []);
    const started = performance.now();
    const child = spawn(process.execPath, [bin, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const listening = this.read(name, line);
        if (listening) resolve(listening);
      });
      createInterface({ input: child.stderr! }).on('line', (line) => this.remember(name, `stderr: ${line}`));
      child.once('error', reject);
      void exited.then(({ code, signal }) => reject(new Error(`instance ${name} exited (${signal ?? code}) before listening:\n${this.tails.get(name)!.join('\n')}`)));
    });
    this.figures.get(name)!.startMs.push(Math.round(performance.now() - started));
    this.running.set(name, { child, url, exited });
    this.proxy.register(name, url);
  }

  /**
   * Take the instance out of rotation and let the requests in flight to it finish (at most
   * `drainMs`, the load balancer's deregistration delay), then SIGTERM it and wait for it to exit:
   * what is still in flight finishes, the scheduler and the notification worker stop, the pool
   * closes. `drainMs: 0` signals at once.
   */
  async stop(name: string, options: { drainMs?: number } = {}): Promise<InstanceStop> {
    const instance = this.running.get(name);
    if (!instance) throw new Error(`instance ${name} is not running`);
    const drained = await this.proxy.drain(name, options.drainMs ?? 30_000);
    const signalled = performance.now();
    instance.child.kill('SIGTERM');
    const { code, signal } = await instance.exited;
    this.running.delete(name);
    const stop: InstanceStop = { drainMs: drained.waitedMs, leftInFlight: drained.leftInFlight, code, signal, shutdownMs: Math.round(performance.now() - signalled), ...(code !== 0 && { tail: [...this.tails.get(name)!] }) };
    this.figures.get(name)!.stops.push(stop);
    return stop;
  }

  /** Stop and start each instance in turn, the others serving meanwhile. */
  async rollingRestart(onStep?: (name: string, step: 'stopped' | 'started') => void, options: { drainMs?: number } = {}): Promise<void> {
    for (const name of this.names) {
      await this.stop(name, options);
      onStep?.(name, 'stopped');
      await this.start(name);
      onStep?.(name, 'started');
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((name) => this.stop(name)));
  }

  /** Kill whatever still runs (after a failure): no graceful shutdown, no waiting. */
  killAll(): void {
    for (const { child } of this.running.values()) child.kill('SIGKILL');
    this.running.clear();
  }

  urlOf(name: string): string | undefined {
    return this.running.get(name)?.url;
  }

  instanceFigures(): InstanceFigures[] {
    return this.names.map((name) => structuredClone(this.figures.get(name)!));
  }

  private remember(name: string, line: string): void {
    const tail = this.tails.get(name)!;
    tail.push(line.length > 2000 ? `${line.slice(0, 2000)}…` : line);
    if (tail.length > 40) tail.shift();
  }

  /** Count what a log line says; return the URL when it is the "listening" line. */
  private read(name: string, line: string): string | undefined {
    this.remember(name, line);
    let entry: { level?: number; msg?: string; url?: string; applied?: number; job?: string; requestId?: string; req?: { url?: string }; responseTime?: number };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      return undefined;
    }
    const figures = this.figures.get(name)!;
    const msg = entry.msg ?? '';
    if ((entry.level ?? 0) >= 50) {
      figures.errorCount++;
      if (figures.errors.length < 10) figures.errors.push(line.slice(0, 1000));
    }
    if (msg === 'incoming request') {
      figures.requests++;
      if (entry.requestId) this.inFlight.set(`${name}:${entry.requestId}`, entry.req?.url ?? '?');
    } else if (msg === 'request completed' && entry.requestId) {
      const url = this.inFlight.get(`${name}:${entry.requestId}`) ?? '?';
      this.inFlight.delete(`${name}:${entry.requestId}`);
      if ((entry.responseTime ?? 0) > 3_000) {
        figures.slowRequests.push({ url, ms: Math.round(entry.responseTime!) });
        figures.slowRequests.sort((a, b) => b.ms - a.ms).splice(10);
      }
    } else if (msg === 'webhook event received') figures.webhookEvents++;
    else if (msg.startsWith('webhook event failed')) {
      figures.webhookEvents++;
      figures.webhookFailures++;
    } else if (entry.job && msg.startsWith(`Job ${entry.job}:`)) figures.schedulerJobRuns[entry.job] = (figures.schedulerJobRuns[entry.job] ?? 0) + 1;
    else if (msg.startsWith('Database: ') && typeof entry.applied === 'number') figures.migrationsApplied.push(entry.applied);
    else if (msg.startsWith('Payouts is listening on ') && entry.url) return entry.url;
    return undefined;
  }
}
