// schedule.subscribe: one cinema's coming showings of the day with their seats left, for
// lobby boards. A snapshot, then `update` pushes of new seats-left figures (coalesced per
// event-loop turn: a burst of sales becomes one push), and a new snapshot whenever the
// list itself changes: a showing starts (it leaves the board), is scheduled, moved or
// cancelled, or the day ends.
import { AppError } from '../../core/errors.js';
import { HandlerReply } from '../../core/protocol/handler.js';
import type { Connection } from '../../core/ws/connection.js';
import { Topic } from '../../core/ws/topic.js';
import type { Schedule } from './showing.schedule.js';
import type { ScheduleUpdate, ScheduleView, ShowingView } from './showing.types.js';

export function scheduleTopic(cinemaId: number): string {
  return `schedule:${cinemaId}`;
}

export class ScheduleFeed {
  private readonly topics = new Map<number, Topic>();
  private readonly changed = new Map<number, Map<number, ScheduleUpdate['showings'][number]>>();
  private scheduled = false;

  constructor(
    private readonly schedule: () => Schedule,
    private readonly cinemaName: (cinemaId: number) => Promise<string | null>,
    private readonly timeZone: string,
  ) {}

  async subscribe(connection: Connection, eid: string, cinemaId: number): Promise<HandlerReply> {
    const name = await this.cinemaName(cinemaId);
    if (name === null) throw new AppError('CinemaNotFound', `no cinema ${cinemaId}`);
    let topic = this.topics.get(cinemaId);
    if (!topic) this.topics.set(cinemaId, (topic = new Topic(scheduleTopic(cinemaId), 'schedule.subscribe')));
    const target = topic;
    // Claim the slot first: it throws when the connection has too many subscriptions.
    connection.addSubscription(eid, {
      topic: target.name,
      release: () => {
        target.delete(subscriber);
        if (target.size === 0 && this.topics.get(cinemaId) === target) this.topics.delete(cinemaId);
      },
    });
    const subscriber = target.add(connection, eid);
    return new HandlerReply('snapshot', this.view(cinemaId, name));
  }

  unsubscribe(connection: Connection, target: { cinema_id: number } | { sub_eid: string }): { unsubscribed: number } {
    const unsubscribed = 'cinema_id' in target ? connection.removeTopic(scheduleTopic(target.cinema_id)) : Number(connection.removeSubscription(target.sub_eid));
    if (unsubscribed === 0) throw new AppError('NotSubscribed', 'no such schedule subscription on this connection');
    return { unsubscribed };
  }

  /** The list changed: a fresh snapshot to each of these cinemas' boards. */
  async dayChanged(cinemaIds: number[]): Promise<void> {
    for (const cinemaId of cinemaIds) {
      const topic = this.topics.get(cinemaId);
      if (!topic || topic.size === 0) continue;
      this.changed.delete(cinemaId);
      const name = (await this.cinemaName(cinemaId)) ?? '';
      topic.publish('snapshot', this.view(cinemaId, name));
    }
  }

  seatsLeft(cinemaId: number, showing: ShowingView): void {
    const topic = this.topics.get(cinemaId);
    if (!topic || topic.size === 0) return;
    let changes = this.changed.get(cinemaId);
    if (!changes) this.changed.set(cinemaId, (changes = new Map()));
    changes.set(showing.id, { id: showing.id, version: showing.version, seats_left: showing.seats_left });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    for (const [cinemaId, changes] of this.changed) {
      // Only showings the boards list: one that started meanwhile is not theirs any more.
      const listed = new Set(this.schedule().day(cinemaId).showings.map((s) => s.id));
      const showings = [...changes.values()].filter((s) => listed.has(s.id));
      if (showings.length > 0) this.topics.get(cinemaId)?.publish('update', { cinema_id: cinemaId, showings } satisfies ScheduleUpdate);
    }
    this.changed.clear();
  }

  private view(cinemaId: number, cinemaName: string): ScheduleView {
    const day = this.schedule().day(cinemaId);
    return { cinema_id: cinemaId, cinema_name: cinemaName, day: day.day, time_zone: this.timeZone, now: new Date(day.now).toISOString(), showings: day.showings };
  }
}
