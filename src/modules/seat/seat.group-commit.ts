// Group commit for seat changes: changes that arrive while earlier ones are being written
// wait in a queue, and the next write takes the whole queue in one database call (one
// round trip, one transaction, one fsync, one NOTIFY lock), each change still getting
// its own version, its own all-or-nothing check and its own reply. With one change at a
// time the cost per change is a round trip plus a notifying commit; measured in
// docs/performance.md, scenario 4.

export interface GroupCommitOptions {
  /**
   * Batches written at once. Changes pile up only while every slot is busy, so this is
   * small on purpose: 1 for the embedded database (one connection), 2 on a server, so the
   * next batch gathers while the previous one commits.
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
  private readonly queue: QueueEntry<Change, Result>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    /** Writes the batch, returning one result per change in the same order. */
    private readonly writeBatch: (changes: Change[]) => Promise<Result[]>,
    private readonly options: GroupCommitOptions,
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
      this.inFlight++;
      this.write(batch)
        .finally(() => {
          this.inFlight--;
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

  private take() {
    let seats = 0;
    let count = 0;
    for (const entry of this.queue) {
      if (count > 0 && (count >= this.options.maxChanges || seats + entry.change.seatCount > this.options.maxSeats)) break;
      seats += entry.change.seatCount;
      count++;
    }
    return this.queue.splice(0, count);
  }
}
