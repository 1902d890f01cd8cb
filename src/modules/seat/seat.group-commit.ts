// Group commit for seat changes: changes that arrive while earlier ones are being written
// wait in a queue, and the next write takes the whole queue in one database call (one
// round trip, one transaction, one fsync, one NOTIFY lock), each change still getting
// its own version, its own all-or-nothing check and its own reply. With one change at a
// time the cost per change is a round trip plus a notifying commit; measured in
// docs/performance.md, scenario 4.

export interface GroupCommitOptions {
  /**
   * Batches written at once. Changes pile up only while every slot is busy, so this is
   * small on purpose: 1 for the embedded database (one connection), 4 on a server, so the
   * next batches gather while earlier ones commit.
   */
  maxInFlight: number;
  /** Bounds on one batch, so one call stays a short transaction. */
  maxChanges: number;
  maxSeats: number;
  /**
   * Whether a failed batch is worth writing again change by change: not when the
   * database is unreachable, which fails every change alike.
   */
  retryAlone?: (error: unknown) => boolean;
  /** Told of every written batch (size and duration), for the metrics. */
  onBatch?(changes: number, seconds: number): void;
}

interface QueueEntry<Change, Result> {
  change: Change;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

export class GroupCommit<Change extends { seatCount: number }, Result> {
  private queue: QueueEntry<Change, Result>[] = [];
  private inFlight = 0;
  /** Keys of the changes in the batches in flight, with their number of changes (keyOf). */
  private readonly busyKeys = new Map<number | string, number>();
  private scheduled = false;

  constructor(
    /** Writes the batch, returning one result per change in the same order. */
    private readonly writeBatch: (changes: Change[]) => Promise<Result[]>,
    private readonly options: GroupCommitOptions,
    /**
     * Changes with one key are never in two batches in flight at once: they wait for the
     * batch in flight to return and go in the next. For seats the key is the hall, whose
     * row lock every change takes and holds until its commit is on disk: a second batch
     * of the same hall would only wait for that lock, and leave behind it a queue that the
     * next free slot takes in small pieces, one disk flush each.
     */
    private readonly keyOf?: (change: Change) => number | string,
  ) {}

  submit(change: Change): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ change, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Flushes after the current turn of the event loop's microtasks, so changes parsed from
   * one socket read (or several sockets' reads) share the batch even when a slot is free.
   */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      if (batch.length === 0) return;
      const keys = this.hold(batch);
      this.inFlight++;
      this.write(batch)
        .finally(() => {
          this.inFlight--;
          this.release(keys);
          this.schedule();
        });
    }
  }

  /**
   * Writes a batch. The call is one transaction: when it fails, none of its changes was
   * written, so each is written again alone, in order, and only a change that fails on
   * its own fails. One client's change the database refuses must never fail another's.
   */
  private async write(batch: QueueEntry<Change, Result>[]): Promise<void> {
    try {
      const started = performance.now();
      const results = await this.writeOne(batch.map((entry) => entry.change));
      this.options.onBatch?.(batch.length, (performance.now() - started) / 1_000);
      batch.forEach((entry, i) => entry.resolve(results[i] as Result));
    } catch (error) {
      if (batch.length === 1 || this.options.retryAlone?.(error) === false) return batch.forEach((entry) => entry.reject(error));
      for (const entry of batch) {
        try {
          const [result] = await this.writeOne([entry.change]);
          entry.resolve(result as Result);
        } catch (alone) {
          entry.reject(alone);
        }
      }
    }
  }

  private async writeOne(changes: Change[]): Promise<Result[]> {
    const results = await this.writeBatch(changes);
    if (results.length !== changes.length) throw new Error(`batch of ${changes.length} returned ${results.length} results`);
    return results;
  }

  /** The next batch from the front of the queue, in order, leaving changes whose key is busy (and every later change of that key). */
  private take(): QueueEntry<Change, Result>[] {
    const keyOf = this.keyOf;
    let seats = 0;
    let count = 0;
    if (!keyOf) {
      for (const entry of this.queue) {
        if (count > 0 && (count >= this.options.maxChanges || seats + entry.change.seatCount > this.options.maxSeats)) break;
        seats += entry.change.seatCount;
        count++;
      }
      return this.queue.splice(0, count);
    }
    const taken: QueueEntry<Change, Result>[] = [];
    const left: QueueEntry<Change, Result>[] = [];
    let full = false;
    for (const entry of this.queue) {
      full ||= taken.length > 0 && (taken.length >= this.options.maxChanges || seats + entry.change.seatCount > this.options.maxSeats);
      if (full || this.busyKeys.has(keyOf(entry.change))) {
        left.push(entry);
        continue;
      }
      seats += entry.change.seatCount;
      taken.push(entry);
    }
    this.queue = left;
    return taken;
  }

  private hold(batch: QueueEntry<Change, Result>[]): (number | string)[] {
    const keyOf = this.keyOf;
    if (!keyOf) return [];
    const keys = batch.map((entry) => keyOf(entry.change));
    for (const key of keys) this.busyKeys.set(key, (this.busyKeys.get(key) ?? 0) + 1);
    return keys;
  }

  private release(keys: (number | string)[]): void {
    for (const key of keys) {
      const left = (this.busyKeys.get(key) ?? 1) - 1;
      if (left > 0) this.busyKeys.set(key, left);
      else this.busyKeys.delete(key);
    }
  }
}
