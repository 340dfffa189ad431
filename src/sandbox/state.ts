import { resourceMissing } from './wire/stripe-error.js';

/** Any Stripe API payload with an `object` type name (`balance` has no id). */
export interface ApiObject {
  object: string;
  [field: string]: unknown;
}

/** A stored Stripe API object: an `id`, an `object` type name, and whatever else that type has. */
export interface StripeObject extends ApiObject {
  id: string;
}

export interface StoredRecord {
  /** The account that owns the object (the platform or a connected account). */
  account: string;
  seq: number;
  object: StripeObject;
  /** Fields Stripe only includes when expanded (`checkout.session.line_items`, …). */
  includable: Record<string, unknown>;
}

/**
 * The sandbox's in-memory database: every object by id, with its owning account. Objects are
 * stored in their Stripe shape and mutated in place; responses and event payloads are copies.
 */
export class ObjectStore {
  private readonly records = new Map<string, StoredRecord>();
  /** The same records by `object` type, so listing one type never scans the others. */
  private readonly byType = new Map<string, Map<string, StoredRecord>>();
  private seq = 0;
  /** Ids forgotten through `delete` (an object Stripe "lost"): other objects may still name them. */
  private readonly deleted = new Set<string>();

  insert<T extends StripeObject>(account: string, object: T, includable: Record<string, unknown> = {}): T {
    const record: StoredRecord = { account, seq: ++this.seq, object, includable };
    this.records.set(object.id, record);
    let ofType = this.byType.get(object.object);
    if (!ofType) this.byType.set(object.object, (ofType = new Map()));
    ofType.set(object.id, record);
    return object;
  }

  /** Any object by id, whoever owns it (used by `expand`). */
  find(id: string): StripeObject | undefined {
    return this.records.get(id)?.object;
  }

  ownerOf(id: string): string | undefined {
    return this.records.get(id)?.account;
  }

  includableFields(id: string): Record<string, unknown> {
    return this.records.get(id)?.includable ?? {};
  }

  /**
   * An object of `type` owned by `account`, or Stripe's 404 — an account never sees another
   * account's objects (`account = null` skips the check, for the platform reading Connect data).
   */
  get<T extends StripeObject>(type: string, id: string, account: string | null, options: { label?: string; param?: string } = {}): T {
    const record = this.records.get(id);
    if (!record || record.object.object !== type || (account !== null && record.account !== account)) {
      throw resourceMissing(options.label ?? type, id, options.param);
    }
    return record.object as T;
  }

  /** Objects of `type` owned by `account` (all accounts when null), newest first. */
  list<T extends StripeObject>(type: string, account: string | null, filter: (object: T) => boolean = () => true): T[] {
    const matching: StoredRecord[] = [];
    for (const record of this.byType.get(type)?.values() ?? []) {
      if ((account === null || record.account === account) && filter(record.object as T)) matching.push(record);
    }
    // Map iteration is insertion order, i.e. oldest first.
    return matching.reverse().map((record) => record.object as T);
  }

  delete(id: string): void {
    const record = this.records.get(id);
    if (!record) return;
    this.deleted.add(id);
    this.records.delete(id);
    this.byType.get(record.object.object)?.delete(id);
  }

  /** Whether `delete` forgot this id. */
  wasDeleted(id: string): boolean {
    return this.deleted.has(id);
  }

  clear(): void {
    this.deleted.clear();
    this.records.clear();
    this.byType.clear();
  }

  /** Every record, oldest first: what `load` takes back (JSON-shaped, like the objects themselves). */
  dump(): StoredRecord[] {
    return [...this.records.values()].sort((a, b) => a.seq - b.seq).map((record) => snapshot(record));
  }

  /** Replace the contents with dumped records, keeping their order (lists are newest first by it). */
  load(records: readonly StoredRecord[]): void {
    this.clear();
    for (const record of [...records].sort((a, b) => a.seq - b.seq)) this.insert(record.account, record.object, record.includable);
  }
}

/** Deep copy of a JSON-shaped value: what leaves the sandbox never aliases its state. */
export function snapshot<T>(value: T): T {
  return structuredClone(value);
}

/** Top-level fields that differ, with their old values (Stripe's `previous_attributes`). */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(before)) {
    if (JSON.stringify(value) !== JSON.stringify(after[key])) previous[key] = value;
  }
  return previous;
}
