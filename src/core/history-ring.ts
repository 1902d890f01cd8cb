// The last N entries of a versioned stream, for resuming subscribers without a database
// read. Versions are consecutive; `from(v)` answers only when it can return every entry
// after v (else null, and the caller falls back to the durable log or a snapshot).
export class HistoryRing<T extends { version: number }> {
  private readonly entries: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.entries = new Array<T | undefined>(capacity);
  }

  push(entry: T): void {
    const last = this.last();
    if (last && entry.version !== last.version + 1) this.clear();
    this.entries[(this.start + this.count) % this.capacity] = entry;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  clear(): void {
    this.entries.fill(undefined);
    this.start = 0;
    this.count = 0;
  }

  /** Every entry with version > afterVersion, or null if the ring no longer holds all of them. */
  from(afterVersion: number): T[] | null {
    const first = this.entries[this.start];
    const last = this.last();
    if (!first || !last) return null;
    if (afterVersion >= last.version) return afterVersion === last.version ? [] : null;
    if (afterVersion < first.version - 1) return null;
    const skip = afterVersion - first.version + 1;
    const result: T[] = [];
    for (let i = skip; i < this.count; i++) result.push(this.entries[(this.start + i) % this.capacity]!);
    return result;
  }

  private last(): T | undefined {
    return this.count === 0 ? undefined : this.entries[(this.start + this.count - 1) % this.capacity];
  }
}
