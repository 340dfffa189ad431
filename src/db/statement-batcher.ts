/**
 * Group commit for one statement that can take many items at once: callers `submit` an item each
 * and await its own result; items that arrive while a group is in the database wait and go
 * together in the next group, at most `maxSize` in each. A lone item is sent at once (no timer,
 * no added latency), and under load the items share round trips, transactions and commits. One
 * group is in flight at a time, more (up to `concurrency`) only while a full group is waiting —
 * so a slow statement does not hold everything up. A caller's promise settles only after its
 * group's statement has finished — for an autocommit statement, after its commit.
 *
 * Items with the same `key` never share a group (a later one waits for the next), so the
 * statement never sees one key twice. When a group's statement fails, each of its items is run
 * alone through `runOne`, so one bad item costs the others only a retry.
 *
 * @example
 * const batcher = new StatementBatcher({
 *   maxSize: 50, concurrency: 3, key: (item) => item.eventId,
 *   runMany: (items) => insertAll(items), // one result per item, in order
 *   runOne: (item) => insertOne(item),
 * });
 * const result = await batcher.submit(item);
 */
export interface StatementBatcherOptions<Item, Result> {
  /** Items per group at most (≥ 1). */
  maxSize: number;
  /** Groups in the database at once at most (≥ 1). */
  concurrency: number;
  key(item: Item): string;
  /** The statement for a group: one result per item, in the items' order. */
  runMany(items: readonly Item[]): Promise<readonly Result[]>;
  /** One item alone, when its group's statement failed. */
  runOne(item: Item): Promise<Result>;
}

interface Waiting<Item, Result> {
  item: Item;
  key: string;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

export class StatementBatcher<Item, Result> {
  private readonly queue: Array<Waiting<Item, Result>> = [];
  private inFlight = 0;
  /** Groups sent and the items they carried, since the start (for diagnostics and tests). */
  readonly stats = { groups: 0, items: 0, fallbacks: 0 };

  constructor(private readonly options: StatementBatcherOptions<Item, Result>) {
    if (!(options.maxSize >= 1 && options.concurrency >= 1)) throw new RangeError('maxSize and concurrency must be at least 1');
  }

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, key: this.options.key(item), resolve, reject });
      this.pump();
    });
  }

  /**
   * Send what waits: into an idle database at once, whatever there is; alongside statements in
   * flight only a full group (a queue that outgrew one statement, or a statement that is slow),
   * since bigger groups cost the database less per item than more statements at once.
   */
  private pump(): void {
    while (this.queue.length > 0 && (this.inFlight === 0 || (this.inFlight < this.options.concurrency && this.queue.length >= this.options.maxSize))) {
      const group = this.takeGroup();
      this.inFlight += 1;
      void this.send(group).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  /** The oldest waiting items, up to maxSize, one per key; the others keep their place. */
  private takeGroup(): Array<Waiting<Item, Result>> {
    const group: Array<Waiting<Item, Result>> = [];
    const keys = new Set<string>();
    let kept = 0;
    for (let i = 0; i < this.queue.length; i++) {
      const waiting = this.queue[i]!;
      if (group.length < this.options.maxSize && !keys.has(waiting.key)) {
        keys.add(waiting.key);
        group.push(waiting);
      } else {
        this.queue[kept++] = waiting;
      }
    }
    this.queue.length = kept;
    return group;
  }

  private async send(group: Array<Waiting<Item, Result>>): Promise<void> {
    this.stats.groups += 1;
    this.stats.items += group.length;
    let results: readonly Result[] | undefined;
    try {
      results = await this.options.runMany(group.map((waiting) => waiting.item));
      if (results.length !== group.length) throw new Error(`the statement answered ${results.length} results for ${group.length} items`);
    } catch {
      results = undefined;
    }
    if (results) {
      group.forEach((waiting, i) => waiting.resolve(results[i]!));
      return;
    }
    this.stats.fallbacks += group.length;
    await Promise.all(
      group.map(async (waiting) => {
        try {
          waiting.resolve(await this.options.runOne(waiting.item));
        } catch (error) {
          waiting.reject(error);
        }
      }),
    );
  }
}
