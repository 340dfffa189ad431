import type { PGlite } from '@electric-sql/pglite';

/**
 * PGlite is one Postgres session. pglite-socket lets several clients connect to it, but its own
 * queue interleaves *messages* of different clients: a parameterised query is five protocol
 * messages (Parse, Bind, Describe, Execute, Sync), and a Parse from another client between them
 * rebinds the unnamed statement. This multiplexer hands the session to one client at a time
 * and takes it back only at a protocol boundary — after a `Sync` or a simple `Query` — and only
 * when no transaction is open. A client that waits longer than `waitTimeoutMs` gets an error
 * instead of hanging (a flow that opens a second connection while its transaction is open would
 * otherwise deadlock; see DESIGN.md §9).
 *
 * It implements the interface `PGLiteSocketHandler` expects from its `queryQueue`.
 */
export class SessionMultiplexer {
  private owner: number | null = null;
  private readonly waiters: Array<{ handlerId: number; wake: () => void; fail: (error: Error) => void }> = [];

  constructor(
    private readonly db: PGlite,
    private readonly waitTimeoutMs = 60_000,
  ) {}

  async enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    await this.acquire(handlerId);
    let bytes = 0;
    try {
      await this.db.runExclusive(() =>
        this.db.execProtocolRawStream(message, {
          onRawData: (data) => {
            bytes += data.length;
            onData(data);
          },
        }),
      );
    } finally {
      if (endsExchange(message) && !this.db.isInTransaction()) this.release(handlerId);
    }
    return bytes;
  }

  /** Called by the handler when its client disconnects: its waiting messages are dropped. */
  clearQueueForHandler(handlerId: number): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i];
      if (waiter && waiter.handlerId === handlerId) {
        this.waiters.splice(i, 1);
        waiter.fail(new Error('Handler disconnected'));
      }
    }
  }

  /** Called on disconnect: a transaction the client left open is rolled back, the session freed. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.release(handlerId);
  }

  getQueueLength(): number {
    return this.waiters.length;
  }

  private acquire(handlerId: number): Promise<void> {
    if (this.owner === null || this.owner === handlerId) {
      this.owner = handlerId;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new Error(`embedded database busy: waited ${this.waitTimeoutMs} ms for the session`));
      }, this.waitTimeoutMs);
      const waiter = {
        handlerId,
        wake: () => {
          clearTimeout(timer);
          resolve();
        },
        fail: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.push(waiter);
    });
  }

  private release(handlerId: number): void {
    if (this.owner !== handlerId) return;
    this.owner = null;
    const next = this.waiters.shift();
    if (next) {
      this.owner = next.handlerId;
      next.wake();
    }
  }
}

const SIMPLE_QUERY = 0x51; // 'Q'
const SYNC = 0x53; // 'S'
const TERMINATE = 0x58; // 'X'

/** True for the messages after which the server answers ReadyForQuery (or the client leaves). */
function endsExchange(message: Uint8Array): boolean {
  const type = message[0];
  // A startup packet has no type byte: it begins with its length, whose high byte is 0.
  return type === SIMPLE_QUERY || type === SYNC || type === TERMINATE || type === 0;
}
