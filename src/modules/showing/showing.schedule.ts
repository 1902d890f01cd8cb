// The schedule in memory: every scheduled showing that has not ended and starts within
// the horizon, and from it, at every moment of the clock, each hall's current showing
// (running now, else the next one starting within the lead time) and each cinema's
// coming showings of the day. One timer, set for the next moment anything changes (a
// showing's lead time, start or end, local midnight, the horizon's refresh); when it
// fires the schedule tells the hall store which halls roll over and the lobby feeds
// which cinemas' lists changed. Every instance reads the same rows and follows the same
// clock (the database's), so all roll over at the same moment.
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { StatusCounts } from '../seat/index.js';
import { toView, type ShowingRow } from './showing.model.js';
import type { ShowingView } from './showing.types.js';
import { endOfLocalDay, localDate } from '../../core/time-zone.js';

export interface ScheduleDeps {
  upcoming(from: Date, to: Date): Promise<ShowingRow[]>;
  clock: Clock;
  /** A showing is its hall's current one from this long before it starts. */
  leadMs: number;
  /** The time zone of "today" on the lobby boards. */
  timeZone: string;
  logger: Logger;
  /** These halls' current showing changed. */
  onRollover(hallIds: number[]): void;
  /**
   * Shortly before a boundary: the showings that become these halls' current one then, so
   * their seat maps can be loaded ahead and the rollover is a switch in memory.
   */
  onUpcoming(next: { hallId: number; showingId: number }[]): void;
  /** These cinemas' lists of the day's coming showings changed (not only their counts). */
  onDayChanged(cinemaIds: number[]): void;
  /** A showing's seats left changed. */
  onSeatsLeft(cinemaId: number, showing: ShowingView): void;
}

/** How far ahead showings are kept; re-read every HORIZON_MS / 2. */
const HORIZON_MS = 48 * 3_600_000;
const RETRY_MS = 5_000;
/**
 * How long before a boundary its showings are announced (onUpcoming): when every hall of a
 * cinema rolls over in the same second, loading every new seat map at that second would
 * hold up the snapshots and the writes arriving meanwhile.
 */
const PREFETCH_MS = 5_000;

export class Schedule {
  private showings = new Map<number, ShowingRow>();
  private byHall = new Map<number, ShowingRow[]>();
  private current = new Map<number, number>();
  /** Per cinema: the ids of the day's coming showings, as last published. */
  private dayLists = new Map<number, string>();
  private loadedAt = 0;
  private cancelTimer: (() => void) | undefined;
  private cancelPrefetch: (() => void) | undefined;
  private reloading: Promise<void> | null = null;
  private reloadAgain = false;
  private closed = false;

  constructor(private readonly deps: ScheduleDeps) {}

  async start(): Promise<void> {
    await this.reload();
  }

  close(): void {
    this.closed = true;
    this.cancelTimer?.();
    this.cancelPrefetch?.();
  }

  /** Re-reads the rows (after a schedule change anywhere); one read at a time, one more if asked meanwhile. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    const run = async () => {
      try {
        do {
          this.reloadAgain = false;
          const now = this.deps.clock.now();
          const rows = await this.deps.upcoming(new Date(now), new Date(now + HORIZON_MS));
          this.loadedAt = now;
          this.replace(rows);
          this.tick();
        } while (this.reloadAgain && !this.closed);
      } catch (error) {
        this.deps.logger.error('schedule load failed; retrying', { error: String(error) });
        this.arm(this.deps.clock.now() + RETRY_MS);
        throw error;
      } finally {
        this.reloading = null;
      }
    };
    this.reloading = run();
    return this.reloading;
  }

  /** The hall's current showing now, null for none (the hall shows its own seat map). */
  currentShowing(hallId: number): number | null {
    return this.current.get(hallId) ?? null;
  }

  /** Every hall that has a current showing now. */
  currentShowings(): ReadonlyMap<number, number> {
    return this.current;
  }

  /** The day's coming showings of a cinema, in start order, and the day they belong to. */
  day(cinemaId: number): { day: string; now: number; cinemaName: string | undefined; showings: ShowingView[] } {
    const now = this.deps.clock.now();
    const end = endOfLocalDay(now, this.deps.timeZone);
    const rows = [...this.showings.values()]
      .filter((s) => s.cinema_id === cinemaId && s.starts_at.getTime() > now && s.starts_at.getTime() < end)
      .sort((a, b) => a.starts_at.getTime() - b.starts_at.getTime() || a.id - b.id);
    const cinemaName = [...this.showings.values()].find((s) => s.cinema_id === cinemaId)?.cinema_name;
    return { day: localDate(now, this.deps.timeZone), now, cinemaName, showings: rows.map(toView) };
  }

  /** A showing's counts after a committed version (any instance's), for seats left. */
  countsChanged(showingId: number, version: number, totals: StatusCounts): void {
    const row = this.showings.get(showingId);
    if (!row || version < row.version) return;
    const changed = row.seats_occupied !== totals.OCCUPIED || row.seats_maintenance !== totals.MAINTENANCE || row.seats_held !== totals.HELD;
    row.version = version;
    row.seats_occupied = totals.OCCUPIED;
    row.seats_maintenance = totals.MAINTENANCE;
    row.seats_held = totals.HELD;
    if (changed) this.deps.onSeatsLeft(row.cinema_id, toView(row));
  }

  private replace(rows: ShowingRow[]): void {
    const next = new Map<number, ShowingRow>();
    for (const row of rows) {
      const known = this.showings.get(row.id);
      // Counts delivered since may be newer than this read.
      if (known && known.version > row.version) {
        Object.assign(row, { version: known.version, seats_occupied: known.seats_occupied, seats_maintenance: known.seats_maintenance, seats_held: known.seats_held });
      }
      next.set(row.id, row);
    }
    this.showings = next;
    this.byHall = new Map();
    for (const row of rows) {
      const list = this.byHall.get(row.hall_id) ?? [];
      list.push(row);
      this.byHall.set(row.hall_id, list);
    }
    for (const list of this.byHall.values()) list.sort((a, b) => a.starts_at.getTime() - b.starts_at.getTime());
  }

  /** Recomputes everything for the clock's now and sets the timer for the next change. */
  private tick(): void {
    if (this.closed) return;
    const now = this.deps.clock.now();
    const rolled: number[] = [];
    const halls = new Set([...this.byHall.keys(), ...this.current.keys()]);
    for (const hallId of halls) {
      const showing = this.pick(this.byHall.get(hallId) ?? [], now);
      const before = this.current.get(hallId) ?? null;
      if (showing === before) continue;
      if (showing === null) this.current.delete(hallId);
      else this.current.set(hallId, showing);
      rolled.push(hallId);
    }
    if (rolled.length > 0) this.deps.onRollover(rolled);

    const dayChanged: number[] = [];
    const cinemas = new Set([...[...this.showings.values()].map((s) => s.cinema_id), ...this.dayLists.keys()]);
    for (const cinemaId of cinemas) {
      const ids = this.day(cinemaId).showings.map((s) => `${s.id}@${s.starts_at}/${s.ends_at}:${s.title}:${s.hall_name}`).join(',');
      if (this.dayLists.get(cinemaId) === ids) continue;
      if (ids === '') this.dayLists.delete(cinemaId);
      else this.dayLists.set(cinemaId, ids);
      dayChanged.push(cinemaId);
    }
    if (dayChanged.length > 0) this.deps.onDayChanged(dayChanged);

    this.arm(this.nextChange(now));
  }

  /** The showings that become current at `at` (a boundary), by hall. */
  private announceUpcoming(at: number): void {
    const next: { hallId: number; showingId: number }[] = [];
    for (const [hallId, list] of this.byHall) {
      const showingId = this.pick(list, at);
      if (showingId !== null && showingId !== (this.current.get(hallId) ?? null)) next.push({ hallId, showingId });
    }
    if (next.length > 0) this.deps.onUpcoming(next);
  }

  /** Running now, else the next one starting within the lead time. */
  private pick(list: ShowingRow[], now: number): number | null {
    let next: ShowingRow | undefined;
    for (const s of list) {
      const start = s.starts_at.getTime();
      if (start <= now && now < s.ends_at.getTime()) return s.id;
      if (start > now && start - this.deps.leadMs <= now && (!next || start < next.starts_at.getTime())) next = s;
    }
    return next?.id ?? null;
  }

  private nextChange(now: number): number {
    let next = Math.min(endOfLocalDay(now, this.deps.timeZone), this.loadedAt + HORIZON_MS / 2);
    for (const s of this.showings.values()) {
      for (const at of [s.starts_at.getTime() - this.deps.leadMs, s.starts_at.getTime(), s.ends_at.getTime()]) {
        if (at > now && at < next) next = at;
      }
    }
    return next;
  }

  private arm(at: number): void {
    this.cancelTimer?.();
    this.cancelPrefetch?.();
    if (this.closed) return;
    this.cancelPrefetch = this.deps.clock.at(Math.max(this.deps.clock.now(), at - PREFETCH_MS), () => this.announceUpcoming(at));
    this.cancelTimer = this.deps.clock.at(at, () => {
      // The horizon slides forward by re-reading; anything else is computed from memory.
      if (this.deps.clock.now() >= this.loadedAt + HORIZON_MS / 2) void this.reload().catch(() => undefined);
      else this.tick();
    });
  }
}
