import { describe, expect, it } from 'vitest';
import { StatementBatcher } from './statement-batcher.js';

/** A statement that records the groups it was sent and answers when the test says so. */
function fakeStatement(options: { failWhen?: (items: readonly string[]) => boolean } = {}) {
  const groups: string[][] = [];
  const singles: string[] = [];
  const pending: Array<() => void> = [];
  let active = 0;
  let maxActive = 0;
  const batcher = new StatementBatcher<string, string>({
    maxSize: 3,
    concurrency: 2,
    key: (item) => item.split('#')[0]!,
    runMany: async (items) => {
      groups.push([...items]);
      active += 1;
      maxActive = Math.max(maxActive, active);
      await new Promise<void>((resolve) => pending.push(resolve));
      active -= 1;
      if (options.failWhen?.(items)) throw new Error('statement failed');
      return items.map((item) => `done:${item}`);
    },
    runOne: async (item) => {
      singles.push(item);
      if (item.startsWith('bad')) throw new Error(`${item} refused`);
      return `alone:${item}`;
    },
  });
  /** Let every statement sent so far answer, then the ones they let through, until none is left. */
  async function drain() {
    for (let i = 0; i < 50; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      const next = pending.splice(0);
      if (next.length === 0) return;
      next.forEach((resolve) => resolve());
    }
  }
  return { batcher, groups, singles, drain, maxActive: () => maxActive };
}

describe('StatementBatcher', () => {
  it('sends a lone item at once, and groups what arrives while a statement is in flight', async () => {
    const { batcher, groups, drain, maxActive } = fakeStatement();
    const first = batcher.submit('a');
    expect(groups).toEqual([['a']]); // an idle database: sent without waiting
    const rest = ['b', 'c'].map((item) => batcher.submit(item));
    expect(groups).toEqual([['a']]); // waiting for the next group while one is in flight
    await drain();
    expect(await Promise.all([first, ...rest])).toEqual(['done:a', 'done:b', 'done:c']);
    expect(groups).toEqual([['a'], ['b', 'c']]);
    expect(maxActive()).toBe(1);
  });

  it('sends a second statement alongside only for a full group', async () => {
    const { batcher, groups, drain, maxActive } = fakeStatement();
    const results = Promise.all(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((item) => batcher.submit(item)));
    expect(groups).toEqual([['a'], ['b', 'c', 'd']]); // b, c, d filled a group: sent beside a
    await drain();
    expect(await results).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((item) => `done:${item}`));
    expect(groups).toEqual([['a'], ['b', 'c', 'd'], ['e', 'f', 'g'], ['h']]);
    expect(maxActive()).toBe(2);
    expect(batcher.stats).toEqual({ groups: 4, items: 8, fallbacks: 0 });
  });

  it('never puts two items with one key in a group: the later one waits for the next', async () => {
    const { batcher, groups, drain } = fakeStatement();
    const results = Promise.all(['x#1', 'y#1', 'k#1', 'k#2', 'm#1', 'k#3'].map((item) => batcher.submit(item)));
    await drain();
    await results;
    for (const group of groups) {
      const keys = group.map((item) => item.split('#')[0]);
      expect(new Set(keys).size).toBe(keys.length);
    }
    expect(groups.flat().sort()).toEqual(['k#1', 'k#2', 'k#3', 'm#1', 'x#1', 'y#1']);
    expect(groups.findIndex((g) => g.includes('k#1'))).toBeLessThan(groups.findIndex((g) => g.includes('k#2')));
  });

  it('takes a failed group item by item; one bad item rejects alone', async () => {
    const { batcher, groups, singles, drain } = fakeStatement({ failWhen: (items) => items.some((item) => item.startsWith('bad')) });
    const submitted = ['a', 'b', 'c', 'bad', 'd'].map((item) => batcher.submit(item).then((value) => ({ value }), (error: Error) => ({ error: error.message })));
    await drain();
    expect(await Promise.all(submitted)).toEqual([
      { value: 'done:a' },
      { value: 'alone:b' },
      { value: 'alone:c' },
      { error: 'bad refused' },
      { value: 'done:d' },
    ]);
    expect(groups).toEqual([['a'], ['b', 'c', 'bad'], ['d']]);
    expect(singles).toEqual(['b', 'c', 'bad']);
    expect(batcher.stats.fallbacks).toBe(3);
  });

  it('refuses sizes below one', () => {
    expect(() => new StatementBatcher({ maxSize: 0, concurrency: 1, key: String, runMany: async () => [], runOne: async () => undefined })).toThrow(RangeError);
  });
});
