// Every loaded hall's live state, kept equal to the database by one rule: a hall's state
// only ever moves from version v to v+1, whatever told us about the change (our own
// commit, another process's NOTIFY, a catch-up read after a lost LISTEN connection, the
// periodic sweep). Out-of-order arrivals wait in `pending`; a gap triggers a read of the
// durable log.
import { AppError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Metrics } from '../../core/metrics.js';
import type { ChangeSink, CommittedChange, SeatChangeListener, StatusCounts } from '../seat/index.js';
import { HallState } from './hall.state.js';
import type { HallRow } from './hall.types.js';

export interface HallStoreDeps {
  loadHall(id: number): Promise<HallRow | null>;
  changesAfter(hallId: number, afterVersion: number): Promise<CommittedChange[]>;
  historySize: number;
  /** The database's epoch, carried by every snapshot. */
  epoch: string;
  /** Halls kept in memory without subscribers before the oldest are dropped. */
  maxIdleHalls?: number;
  /**
   * Every loaded hall re-reads its log this often: the safety net for a notification
   * lost in a way nothing reported (docs/database.md, "PostgreSQL as the change bus").
   */
  sweepIntervalMs?: number;
  logger: Logger;
  metrics: Pick<Metrics, 'commitToPushSeconds' | 'catchUps' | 'catchUpEvents' | 'hallsLoaded'>;
  /** Absolute counts after each version, for the cinema list. */
  onCounts(hallId: number, version: number, totals: StatusCounts): void;
}

const RETRY_MS = 1_000;

export class HallStore implements ChangeSink, SeatChangeListener {
  private readonly states = new Map<number, HallState>();
  private readonly loading = new Map<number, Promise<HallState | null>>();
  private readonly pending = new Map<number, Map<number, CommittedChange>>();
  private readonly localWrites = new Map<number, number>();
  private readonly notified = new Map<number, number>();
  private readonly catchingUp = new Map<number, Promise<void>>();
  private readonly catchUpAgain = new Set<number>();
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly deps: HallStoreDeps) {
    this.sweep = setInterval(() => void this.resync(), deps.sweepIntervalMs ?? 30_000);
    this.sweep.unref();
  }

  close(): void {
    clearInterval(this.sweep);
  }

  peek(id: number): HallState | undefined {
    return this.states.get(id);
  }

  async get(id: number): Promise<HallState> {
    const state = this.states.get(id) ?? (await this.load(id));
    if (!state) throw new AppError('HallNotFound', `no hall ${id}`);
    return state;
  }

  /** Reads the log now and resolves once this hall has applied everything committed so far. */
  async catchUpNow(id: number): Promise<void> {
    if (!this.states.has(id)) return;
    await this.catchingUp.get(id);
    this.catchUp(id);
    await this.catchingUp.get(id);
  }

  // --- ChangeSink: this process's own commits -------------------------------------------

  writeStarted(hallId: number): void {
    this.localWrites.set(hallId, (this.localWrites.get(hallId) ?? 0) + 1);
  }

  writeFinished(hallId: number, change: CommittedChange | null): void {
    const left = (this.localWrites.get(hallId) ?? 1) - 1;
    if (left > 0) this.localWrites.set(hallId, left);
    else this.localWrites.delete(hallId);
    if (change) this.deliver(change);
    // A write that committed nothing hides nothing: what was notified meanwhile came
    // from elsewhere, so read it now rather than wait for the other writes to end.
    if (left === 0 || change === null) this.catchUpIfBehind(hallId);
  }

  // --- SeatChangeListener: commits announced by NOTIFY (ours and other processes') -------

  committed(hallId: number, version: number): void {
    this.notified.set(hallId, Math.max(version, this.notified.get(hallId) ?? 0));
    if (!this.states.has(hallId)) {
      // Load it so the cinema list's counts follow changes made elsewhere.
      this.load(hallId).catch((error: unknown) => this.deps.logger.error('hall load failed', { hall: hallId, error: String(error) }));
      return;
    }
    // Our own commits arrive here too; while one is in flight its result is about to be
    // delivered without a read, so wait for it before reading the log.
    if ((this.localWrites.get(hallId) ?? 0) === 0) this.catchUpIfBehind(hallId);
  }

  resync(): Promise<void> {
    for (const id of this.states.keys()) this.catchUp(id);
    return Promise.all(this.catchingUp.values()).then(() => undefined);
  }

  // --- Admin changes --------------------------------------------------------------------

  /** A hall was renamed, created or deleted somewhere: follow it and tell its subscribers. */
  async refreshHall(id: number): Promise<void> {
    await this.loading.get(id)?.catch(() => undefined);
    if (!this.states.has(id)) return;
    const row = await this.deps.loadHall(id);
    const state = this.states.get(id);
    if (!state) return;
    if (!row) return this.dropDeleted(state);
    state.updateCatalog(row);
    state.topic.publish('snapshot', state.snapshot());
    this.catchUp(id);
  }

  /** Cinema renamed: its halls carry the cinema's name. */
  async refreshCinema(cinemaId: number): Promise<void> {
    for (const state of [...this.states.values()]) if (state.cinemaId === cinemaId) await this.refreshHall(state.id);
  }

  /** Seat type edited: any hall may use it. */
  async refreshAll(): Promise<void> {
    for (const id of [...this.states.keys()]) await this.refreshHall(id);
  }

  private dropDeleted(state: HallState): void {
    this.states.delete(state.id);
    this.pending.delete(state.id);
    this.notified.delete(state.id);
    this.deps.metrics.hallsLoaded.set(this.states.size);
    state.topic.publish('update', { id: state.id, deleted: true });
    for (const subscriber of [...state.topic.subscribers]) subscriber.connection.removeSubscription(subscriber.eid);
  }

  // --- Loading and ordering -------------------------------------------------------------

  private load(id: number): Promise<HallState | null> {
    let loading = this.loading.get(id);
    if (!loading) {
      loading = this.deps.loadHall(id).then((row) => {
        if (!row) return null;
        const state = this.states.get(id) ?? new HallState(row, this.deps.historySize, this.deps.epoch);
        this.states.set(id, state);
        this.evictIdle();
        this.deps.metrics.hallsLoaded.set(this.states.size);
        this.deps.onCounts(id, state.version, state.totals);
        // A change committed while the load ran may be neither in the row nor delivered.
        this.catchUp(id);
        return state;
      });
      loading.finally(() => this.loading.delete(id)).catch(() => undefined);
      this.loading.set(id, loading);
    }
    return loading;
  }

  private deliver(change: CommittedChange): void {
    const state = this.states.get(change.hall_id);
    if (!state || change.version <= state.version) return;
    if (change.version > state.version + 1) {
      let waiting = this.pending.get(state.id);
      if (!waiting) this.pending.set(state.id, (waiting = new Map()));
      waiting.set(change.version, change);
      this.catchUp(state.id);
      return;
    }
    this.apply(state, change);
    const waiting = this.pending.get(state.id);
    let next: CommittedChange | undefined;
    while (waiting && (next = waiting.get(state.version + 1))) {
      waiting.delete(next.version);
      this.apply(state, next);
    }
    if (waiting) {
      for (const version of waiting.keys()) if (version <= state.version) waiting.delete(version);
      if (waiting.size === 0) this.pending.delete(state.id);
    }
    this.deps.onCounts(state.id, state.version, state.totals);
  }

  private apply(state: HallState, change: CommittedChange): void {
    state.apply(change);
    // The change's database timestamp (every seat of a change has the same one) to now:
    // on another instance this includes the NOTIFY and the log read.
    const committedAt = change.seats[0] ? Date.parse(change.seats[0].updated_at) : Number.NaN;
    if (!Number.isNaN(committedAt)) this.deps.metrics.commitToPushSeconds.observe(Math.max(0, Date.now() - committedAt) / 1_000);
  }

  private catchUpIfBehind(hallId: number): void {
    const state = this.states.get(hallId);
    if (state && (this.notified.get(hallId) ?? 0) > state.version) this.catchUp(hallId);
  }

  /** One read of the durable log per hall at a time; a request meanwhile runs one more. */
  private catchUp(hallId: number): void {
    if (this.catchingUp.has(hallId)) {
      this.catchUpAgain.add(hallId);
      return;
    }
    // Checked here, not only in the loop: a run that ended before its first await would
    // clear its entry before it is set, leaving a finished promise that blocks every later run.
    if (!this.states.has(hallId)) return;
    const run = async () => {
      try {
        do {
          const state = this.states.get(hallId);
          if (!state) return;
          const changes = await this.deps.changesAfter(hallId, state.version);
          this.deps.metrics.catchUps.inc();
          this.deps.metrics.catchUpEvents.inc(changes.length);
          for (const change of changes) this.deliver(change);
        } while (this.catchUpAgain.delete(hallId));
      } catch (error) {
        this.deps.logger.error('hall catch-up failed; retrying', { hall: hallId, error: String(error) });
        setTimeout(() => this.catchUp(hallId), RETRY_MS).unref();
      } finally {
        // Cleared in the same turn as the last check of catchUpAgain: no request can fall between.
        this.catchingUp.delete(hallId);
      }
    };
    this.catchingUp.set(hallId, run());
  }

  private evictIdle(): void {
    const max = this.deps.maxIdleHalls ?? 2_000;
    if (this.states.size <= max) return;
    for (const [id, state] of this.states) {
      if (this.states.size <= max) break;
      if (state.topic.size === 0 && !this.localWrites.has(id)) {
        this.states.delete(id);
        this.pending.delete(id);
        this.notified.delete(id);
      }
    }
  }
}
