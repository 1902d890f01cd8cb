// Every loaded seat map's live state (a hall's own, or a showing's), kept equal to the
// database by one rule: a stream's state only ever moves from version v to v+1, whatever
// told us about the change (our own commit, another process's NOTIFY, a catch-up read
// after a lost LISTEN connection, the periodic sweep). Out-of-order arrivals wait in
// `pending`; a gap triggers a read of the durable log.
//
// It also keeps, per hall that has hall.subscribe subscribers, which stream is the hall's
// current one (its running or next showing, else its own): the hall's topic receives the
// pushes of that stream only, and rollover() moves it to another in one synchronous step
// (one snapshot, then that stream's updates).
import { AppError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Metrics } from '../../core/metrics.js';
import { Topic } from '../../core/ws/topic.js';
import { streamKey, type ChangeSink, type CommittedChange, type SeatChangeListener, type StreamKey, type StreamRef } from '../seat/index.js';
import { hallTopic, HallState } from './hall.state.js';
import type { HallRow } from './hall.types.js';

export interface HallStoreDeps {
  loadStream(stream: StreamRef): Promise<HallRow | null>;
  changesAfter(stream: StreamRef, afterVersion: number): Promise<CommittedChange[]>;
  historySize: number;
  /** The database's epoch, carried by every snapshot. */
  epoch: string;
  /** Streams kept in memory without subscribers before the oldest are dropped. */
  maxIdleHalls?: number;
  /**
   * Every loaded stream re-reads its log this often: the safety net for a notification
   * lost in a way nothing reported (docs/database.md, "PostgreSQL as the change bus").
   */
  sweepIntervalMs?: number;
  logger: Logger;
  metrics: Pick<Metrics, 'commitToPushSeconds' | 'catchUps' | 'catchUpEvents' | 'hallsLoaded'>;
  /** The hall's current showing now (null: none, the hall's own map is current). */
  currentShowing(hallId: number): number | null;
  /** Told of every stream's counts after each version and when it loads, for the lists. */
  onCounts(state: HallState): void;
}

/** A hall followed by hall.subscribe: its topic and the stream the topic shows. */
export interface LiveHall {
  readonly id: number;
  readonly topic: Topic;
  current: StreamKey;
}

const RETRY_MS = 1_000;

export class HallStore implements ChangeSink, SeatChangeListener {
  private readonly states = new Map<StreamKey, HallState>();
  private readonly refs = new Map<StreamKey, StreamRef>();
  private readonly loading = new Map<StreamKey, Promise<HallState | null>>();
  private readonly pending = new Map<StreamKey, Map<number, CommittedChange>>();
  private readonly localWrites = new Map<StreamKey, number>();
  private readonly notified = new Map<StreamKey, number>();
  private readonly catchingUp = new Map<StreamKey, Promise<void>>();
  private readonly catchUpAgain = new Set<StreamKey>();
  private readonly live = new Map<number, LiveHall>();
  private readonly rolling = new Map<number, Promise<void>>();
  /** The last hall rollover waiting for its turn to publish (publishTurn). */
  private lastTurn: Promise<void> = Promise.resolve();
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly deps: HallStoreDeps) {
    this.sweep = setInterval(() => void this.resync(), deps.sweepIntervalMs ?? 30_000);
    this.sweep.unref();
  }

  close(): void {
    clearInterval(this.sweep);
  }

  peek(key: StreamKey): HallState | undefined {
    return this.states.get(key);
  }

  /** A hall's own stream. */
  getHall(id: number): Promise<HallState> {
    return this.get({ hall_id: id, showing_id: null });
  }

  async get(ref: StreamRef): Promise<HallState> {
    const key = streamKey(ref);
    const state = this.states.get(key) ?? (await this.load(key, ref));
    if (!state) {
      if (ref.showing_id === null) throw new AppError('HallNotFound', `no hall ${ref.hall_id}`);
      throw new AppError('ShowingNotFound', `no showing ${ref.showing_id}`);
    }
    return state;
  }

  /** Reads the log now and resolves once this stream has applied everything committed so far. */
  async catchUpNow(key: StreamKey): Promise<void> {
    if (!this.states.has(key)) return;
    await this.catchingUp.get(key);
    this.catchUp(key);
    await this.catchingUp.get(key);
  }

  // --- The hall's current stream --------------------------------------------------------

  /**
   * The hall as hall.subscribe shows it, with its current stream loaded. Throws
   * HallNotFound. The caller registers on `topic` and reads `current` synchronously.
   */
  async liveHall(hallId: number): Promise<LiveHall> {
    // The hall's own stream is always loaded with it: it proves the hall exists and
    // carries its deletion.
    await this.getHall(hallId);
    const existing = this.live.get(hallId);
    if (existing) {
      await this.rolling.get(hallId);
      await this.get(this.refOf(existing.current)!);
      return existing;
    }
    const showingId = this.deps.currentShowing(hallId);
    let current: StreamKey = `hall:${hallId}`;
    if (showingId !== null) {
      // A showing cancelled or deleted a moment ago: the hall's own map until the schedule says otherwise.
      const state = await this.get({ hall_id: hallId, showing_id: showingId }).catch(() => null);
      if (state && state.id === hallId) current = state.key;
    }
    const made = this.live.get(hallId) ?? { id: hallId, topic: new Topic(hallTopic(hallId), 'hall.subscribe'), current };
    this.live.set(hallId, made);
    return made;
  }

  /**
   * Loads a stream that is about to become a hall's current one (the schedule announces
   * it before the boundary), so the rollover finds it loaded; once loaded, notifications
   * keep it current like any other.
   */
  prefetch(ref: StreamRef): void {
    const key = streamKey(ref);
    if (this.states.has(key) || !this.live.has(ref.hall_id)) return;
    this.load(key, ref).catch((error: unknown) => this.deps.logger.warn('stream prefetch failed', { stream: key, error: String(error) }));
  }

  currentState(live: LiveHall): HallState | undefined {
    return this.states.get(live.current);
  }

  /**
   * The hall's current showing changed (the schedule says so): load the new stream, then
   * switch the hall's topic to it and push one snapshot. Rollovers of one hall run one at
   * a time.
   */
  rollover(hallId: number): Promise<void> {
    const previous = this.rolling.get(hallId) ?? Promise.resolve();
    const run = previous.then(() => this.rollOnce(hallId));
    const tracked = run
      .catch((error: unknown) => {
        this.deps.logger.error('hall rollover failed; retrying', { hall: hallId, error: String(error) });
        setTimeout(() => void this.rollover(hallId), RETRY_MS).unref();
      })
      .finally(() => {
        if (this.rolling.get(hallId) === tracked) this.rolling.delete(hallId);
      });
    this.rolling.set(hallId, tracked);
    return tracked;
  }

  private async rollOnce(hallId: number): Promise<void> {
    const live = this.live.get(hallId);
    // Kept even with no subscriber left: a subscribe in flight may be about to register on
    // its topic (live halls are at most one per hall).
    if (!live) return;
    const showingId = this.deps.currentShowing(hallId);
    const ref: StreamRef = { hall_id: hallId, showing_id: showingId };
    if (streamKey(ref) === live.current) return;
    const state = showingId === null ? await this.getHall(hallId) : await this.get(ref).catch(() => this.getHall(hallId));
    await this.publishTurn();
    // The schedule may have moved again while the stream loaded: the next run follows it.
    if (this.deps.currentShowing(hallId) !== showingId || live.current === state.key) return;
    live.current = state.key;
    live.topic.publish('snapshot', { ...state.view(), reason: 'rollover' });
    this.deps.onCounts(state);
  }

  /**
   * Resolves on a later turn of the event loop than every earlier call: when the halls of
   * a cinema roll over in the same second, their snapshots (a whole seat map to every
   * subscriber: ~1.5 MB per hall with 50 screens on it) go out one hall per turn, so the
   * writes and replies arriving meanwhile are served between halls instead of after all
   * of them (the rollover bench: 2 s of sending in one go at 10,000 subscribers).
   */
  private publishTurn(): Promise<void> {
    const turn = this.lastTurn.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    this.lastTurn = turn;
    return turn;
  }

  // --- ChangeSink: this process's own commits -------------------------------------------

  writeStarted(key: StreamKey): void {
    this.localWrites.set(key, (this.localWrites.get(key) ?? 0) + 1);
  }

  writeFinished(key: StreamKey, change: CommittedChange | null, others: CommittedChange[]): void {
    const left = (this.localWrites.get(key) ?? 1) - 1;
    if (left > 0) this.localWrites.set(key, left);
    else this.localWrites.delete(key);
    if (change) this.deliver(key, change);
    // Maintenance moved other streams in the same commit: deliver them now too (any that
    // is not loaded, or whose earlier versions are still on their way, catches up).
    for (const other of others) this.deliver(streamKey(other), other);
    // A write that committed nothing hides nothing: what was notified meanwhile came
    // from elsewhere, so read it now rather than wait for the other writes to end.
    if (left === 0 || change === null) this.catchUpIfBehind(key);
  }

  // --- SeatChangeListener: commits announced by NOTIFY (ours and other processes') -------

  committed(key: StreamKey, version: number, changes?: () => CommittedChange[] | undefined): void {
    this.notified.set(key, Math.max(version, this.notified.get(key) ?? 0));
    const state = this.states.get(key);
    if (!state) {
      // Load it so the lists' counts follow changes made elsewhere.
      this.load(key).catch((error: unknown) => this.deps.logger.error('stream load failed', { stream: key, error: String(error) }));
      return;
    }
    // Changes carried by the notification are applied like our own commits' (versions
    // already applied are skipped, a gap is read from the log): no read of the log. Our
    // own commits were applied from their results: their changes are not even parsed.
    if (changes && version > state.version) for (const change of changes() ?? []) this.deliver(key, change);
    // Our own commits arrive here too; while one is in flight its result is about to be
    // delivered without a read, so wait for it before reading the log.
    if ((this.localWrites.get(key) ?? 0) === 0) this.catchUpIfBehind(key);
  }

  resync(): Promise<void> {
    for (const key of this.states.keys()) this.catchUp(key);
    return Promise.all(this.catchingUp.values()).then(() => undefined);
  }

  // --- Admin changes --------------------------------------------------------------------

  /** A hall was renamed, created or deleted somewhere: follow it and tell its subscribers. */
  async refreshHall(id: number): Promise<void> {
    for (const state of [...this.states.values()]) if (state.id === id) await this.refreshStream(state.key);
  }

  /** A showing was moved, renamed or cancelled: its stream's snapshot carries it. */
  refreshShowing(id: number): Promise<void> {
    return this.refreshStream(`showing:${id}`);
  }

  private async refreshStream(key: StreamKey): Promise<void> {
    await this.loading.get(key)?.catch(() => undefined);
    const ref = this.refs.get(key);
    if (!ref || !this.states.has(key)) return;
    const row = await this.deps.loadStream(ref);
    const state = this.states.get(key);
    if (!state) return;
    if (!row) return this.dropDeleted(state);
    state.updateCatalog(row);
    const view = { ...state.view(), reason: 'changed' };
    state.topic?.publish('snapshot', view);
    const live = this.live.get(state.id);
    if (live?.current === key) live.topic.publish('snapshot', view);
    this.catchUp(key);
  }

  /** Cinema renamed: its halls carry the cinema's name. */
  async refreshCinema(cinemaId: number): Promise<void> {
    for (const state of [...this.states.values()]) if (state.cinemaId === cinemaId) await this.refreshStream(state.key);
  }

  /** Seat type edited: any hall may use it. */
  async refreshAll(): Promise<void> {
    for (const key of [...this.states.keys()]) await this.refreshStream(key);
  }

  private dropDeleted(state: HallState): void {
    this.forget(state.key);
    this.deps.metrics.hallsLoaded.set(this.states.size);
    if (state.topic) {
      state.topic.publish('update', { id: state.showingId, deleted: true });
      for (const subscriber of [...state.topic.subscribers]) subscriber.connection.removeSubscription(subscriber.eid);
    }
    const live = this.live.get(state.id);
    if (!live) return;
    if (state.showingId === null) {
      // The hall is gone, with its showings.
      this.live.delete(state.id);
      live.topic.publish('update', { id: state.id, deleted: true });
      for (const subscriber of [...live.topic.subscribers]) subscriber.connection.removeSubscription(subscriber.eid);
    } else if (live.current === state.key) {
      void this.rollover(state.id);
    }
  }

  private forget(key: StreamKey): void {
    this.states.delete(key);
    this.refs.delete(key);
    this.pending.delete(key);
    this.notified.delete(key);
  }

  // --- Loading and ordering -------------------------------------------------------------

  private refOf(key: StreamKey): StreamRef | undefined {
    const known = this.refs.get(key);
    if (known) return known;
    // A hall's key names its stream completely; a showing's hall is learnt from its row.
    if (key.startsWith('hall:')) return { hall_id: Number(key.slice(5)), showing_id: null };
    return undefined;
  }

  private load(key: StreamKey, known?: StreamRef): Promise<HallState | null> {
    let loading = this.loading.get(key);
    if (!loading) {
      // A showing's row names its hall; until then the id alone finds it (hall_id 0 is "any").
      const ref = known ?? this.refOf(key) ?? { hall_id: 0, showing_id: Number(key.slice('showing:'.length)) };
      loading = this.deps.loadStream(ref).then((row) => {
        if (!row) return null;
        const state = this.states.get(key) ?? new HallState(row, this.deps.historySize, this.deps.epoch);
        if (state.key !== key) return null;
        this.states.set(key, state);
        this.refs.set(key, state.ref);
        this.evictIdle();
        this.deps.metrics.hallsLoaded.set(this.states.size);
        this.deps.onCounts(state);
        // A change committed while the load ran may be neither in the row nor delivered.
        this.catchUp(key);
        return state;
      });
      loading.finally(() => this.loading.delete(key)).catch(() => undefined);
      this.loading.set(key, loading);
    }
    return loading;
  }

  private deliver(key: StreamKey, change: CommittedChange): void {
    const state = this.states.get(key);
    // Not loaded here: its NOTIFY loads it (committed()).
    if (!state || change.version <= state.version) return;
    if (change.version > state.version + 1) {
      let waiting = this.pending.get(key);
      if (!waiting) this.pending.set(key, (waiting = new Map()));
      waiting.set(change.version, change);
      this.catchUp(key);
      return;
    }
    this.apply(state, change);
    const waiting = this.pending.get(key);
    let next: CommittedChange | undefined;
    while (waiting && (next = waiting.get(state.version + 1))) {
      waiting.delete(next.version);
      this.apply(state, next);
    }
    if (waiting) {
      for (const version of waiting.keys()) if (version <= state.version) waiting.delete(version);
      if (waiting.size === 0) this.pending.delete(key);
    }
    this.deps.onCounts(state);
  }

  private apply(state: HallState, change: CommittedChange): void {
    const entry = state.apply(change);
    if (state.topic && state.topic.size > 0) state.topic.publishPush(entry.push(state.topic.type));
    const live = this.live.get(state.id);
    if (live && live.current === state.key && live.topic.size > 0) live.topic.publishPush(entry.push(live.topic.type));
    // The change's database timestamp (every seat of a change has the same one) to now:
    // on another instance this includes the NOTIFY and the log read.
    const committedAt = change.seats[0] ? Date.parse(change.seats[0].updated_at) : Number.NaN;
    if (!Number.isNaN(committedAt)) this.deps.metrics.commitToPushSeconds.observe(Math.max(0, Date.now() - committedAt) / 1_000);
  }

  private catchUpIfBehind(key: StreamKey): void {
    const state = this.states.get(key);
    if (state && (this.notified.get(key) ?? 0) > state.version) this.catchUp(key);
  }

  /** One read of the durable log per stream at a time; a request meanwhile runs one more. */
  private catchUp(key: StreamKey): void {
    if (this.catchingUp.has(key)) {
      this.catchUpAgain.add(key);
      return;
    }
    // Checked here, not only in the loop: a run that ended before its first await would
    // clear its entry before it is set, leaving a finished promise that blocks every later run.
    if (!this.states.has(key)) return;
    const run = async () => {
      try {
        do {
          const state = this.states.get(key);
          if (!state) return;
          const changes = await this.deps.changesAfter(state.ref, state.version);
          this.deps.metrics.catchUps.inc();
          this.deps.metrics.catchUpEvents.inc(changes.length);
          for (const change of changes) this.deliver(key, change);
        } while (this.catchUpAgain.delete(key));
      } catch (error) {
        this.deps.logger.error('stream catch-up failed; retrying', { stream: key, error: String(error) });
        setTimeout(() => this.catchUp(key), RETRY_MS).unref();
      } finally {
        // Cleared in the same turn as the last check of catchUpAgain: no request can fall between.
        this.catchingUp.delete(key);
      }
    };
    this.catchingUp.set(key, run());
  }

  private evictIdle(): void {
    const max = this.deps.maxIdleHalls ?? 2_000;
    if (this.states.size <= max) return;
    const inUse = new Set<StreamKey>();
    for (const live of this.live.values()) {
      inUse.add(live.current);
      inUse.add(`hall:${live.id}`);
    }
    for (const [key, state] of this.states) {
      if (this.states.size <= max) break;
      if ((state.topic?.size ?? 0) === 0 && !inUse.has(key) && !this.localWrites.has(key)) this.forget(key);
    }
  }
}
