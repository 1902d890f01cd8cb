// cinemas.subscribe: the cinema list, then count updates of changed halls, coalesced per
// event-loop turn (a burst of seat changes becomes one push), and a fresh snapshot after
// any structural change (cinema or hall created, renamed, deleted).
import { AppError } from '../../core/errors.js';
import { RawJson } from '../../core/protocol/envelope.js';
import { HandlerReply } from '../../core/protocol/handler.js';
import type { Connection } from '../../core/ws/connection.js';
import { Topic } from '../../core/ws/topic.js';
import type { StatusCounts } from '../seat/index.js';
import type { CinemasUpdate } from './cinema.types.js';

const CINEMAS_TOPIC = 'cinemas';

export class CinemasFeed {
  readonly topic = new Topic(CINEMAS_TOPIC, 'cinemas.subscribe');
  private readonly changed = new Map<number, { cinemaId: number; counts: StatusCounts }>();
  private scheduled = false;

  subscribe(connection: Connection, eid: string, snapshotJson: string): HandlerReply {
    // Claim the slot first: it throws when the connection has too many subscriptions.
    connection.addSubscription(eid, { topic: CINEMAS_TOPIC, release: () => this.topic.delete(subscriber) });
    const subscriber = this.topic.add(connection, eid);
    return new HandlerReply('snapshot', new RawJson(snapshotJson));
  }

  unsubscribe(connection: Connection, subEid: string | undefined): { unsubscribed: number } {
    const unsubscribed = subEid === undefined ? connection.removeTopic(CINEMAS_TOPIC) : Number(connection.removeSubscription(subEid));
    if (unsubscribed === 0) throw new AppError('NotSubscribed', 'no cinemas subscription on this connection');
    return { unsubscribed };
  }

  countsChanged(cinemaId: number, hallId: number, counts: StatusCounts): void {
    if (this.topic.size === 0) return;
    this.changed.set(hallId, { cinemaId, counts });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  structureChanged(snapshotJson: string): void {
    this.changed.clear();
    this.topic.publish('snapshot', new RawJson(snapshotJson));
  }

  private flush(): void {
    this.scheduled = false;
    if (this.changed.size === 0) return;
    const byCinema = new Map<number, CinemasUpdate[number]>();
    for (const [hallId, { cinemaId, counts }] of this.changed) {
      let cinema = byCinema.get(cinemaId);
      if (!cinema) byCinema.set(cinemaId, (cinema = { id: cinemaId, halls: [] }));
      cinema.halls.push({ id: hallId, seats_count: { ...counts } });
    }
    this.changed.clear();
    this.topic.publish('update', [...byCinema.values()]);
  }
}
