import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { configVariables } from '../../src/config/config.js';

/** The real executable, as `npx payouts` runs it. */
const bin = fileURLToPath(new URL('../../bin/payouts.js', import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Running {
  child: ChildProcess;
  exited: Promise<Exit>;
}

/**
 * One `payouts serve` process at a time on a fixed port (the sandbox's webhook endpoints point at
 * it, so every generation must listen where the last one did), started again after each death.
 * Inherited configuration variables are dropped: `env` alone decides. The last lines of output
 * are kept for the error messages, and the crash point's own stderr line is looked for.
 */
export class ServiceProcess {
  private running: Running | undefined;
  private tail: string[] = [];
  starts = 0;

  constructor(private readonly env: Record<string, string>) {}

  /** Start a new generation, with `extra` on top of the base environment; resolves once it listens. */
  async start(extra: Record<string, string> = {}): Promise<void> {
    if (this.running) throw new Error('the service is running already');
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const variable of configVariables) delete env[variable];
    Object.assign(env, this.env, extra);
    this.tail = [];
    const child = spawn(process.execPath, [bin, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    this.running = { child, exited };
    this.starts++;
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        this.remember(line);
        if (line.includes('Payouts is listening on ')) resolve();
      });
      createInterface({ input: child.stderr! }).on('line', (line) => this.remember(`stderr: ${line}`));
      child.once('error', reject);
      void exited.then(({ code, signal }) => reject(new Error(`payouts serve exited (${signal ?? code}) before listening:\n${this.output()}`)));
    });
  }

  /** Wait for the running generation to die by itself (at its crash point); it must within `timeoutMs`. */
  async died(timeoutMs: number): Promise<Exit & { output: string }> {
    const running = this.running;
    if (!running) throw new Error('the service is not running');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the service did not die within ${timeoutMs} ms:\n${this.output()}`)), timeoutMs);
    });
    try {
      const exit = await Promise.race([running.exited, timeout]);
      this.running = undefined;
      return { ...exit, output: this.output() };
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGTERM: the graceful stop, which must exit 0. */
  async stop(): Promise<Exit> {
    const running = this.running;
    if (!running) throw new Error('the service is not running');
    running.child.kill('SIGTERM');
    const exit = await running.exited;
    this.running = undefined;
    if (exit.code !== 0) throw new Error(`payouts serve did not stop cleanly (${exit.signal ?? exit.code}):\n${this.output()}`);
    return exit;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** After a failure: kill whatever runs, without waiting. */
  kill(): void {
    this.running?.child.kill('SIGKILL');
    this.running = undefined;
  }

  output(): string {
    return this.tail.join('\n');
  }

  private remember(line: string): void {
    this.tail.push(line.length > 1500 ? `${line.slice(0, 1500)}…` : line);
    if (this.tail.length > 60) this.tail.shift();
  }
}
