// hall.subscribe: a snapshot, or (with since_version) exactly the missed updates in order
// (from the in-memory ring, else from the durable SeatEvent log), then every live update.
// Registration and the first pushes happen synchronously after the last await, so no
// version can slip between "what the client was sent" and "what it will be pushed".
import { AppError } from '../../core/errors.js';
import { encodePushBody } from '../../core/protocol/envelope.js';
import { HandlerReply } from '../../core/protocol/handler.js';
import type { Connection } from '../../core/ws/connection.js';
import type { CommittedChange } from '../seat/index.js';
import type { HallState } from './hall.state.js';
import type { HallStore } from './hall.store.js';

export const HALL_TOPIC = (id: number) => `hall:${id}`;

export function createHallSubscriptions(
  store: HallStore,
  changesAfter: (hallId: number, afterVersion: number, upToVersion?: number) => Promise<CommittedChange[]>,
) {
  function register(state: HallState, connection: Connection, eid: string) {
    const subscriber = state.topic.add(connection, eid);
    const topic = state.topic;
    connection.addSubscription(eid, { topic: HALL_TOPIC(state.id), release: () => topic.delete(subscriber) });
    return subscriber;
  }

  function snapshotReply(state: HallState, connection: Connection, eid: string): HandlerReply {
    register(state, connection, eid);
    return new HandlerReply('snapshot', state.snapshot());
  }

  return {
    async subscribe(connection: Connection, eid: string, hallId: number, sinceVersion: number | undefined): Promise<HandlerReply> {
      let state = await store.get(hallId);
      // Unknown future versions (a reset database) and first subscriptions get a snapshot.
      if (sinceVersion === undefined || sinceVersion > state.version) return snapshotReply(state, connection, eid);

      const recent = state.ring.from(sinceVersion);
      if (recent) {
        const subscriber = register(state, connection, eid);
        return new HandlerReply('success', { id: hallId, version: sinceVersion, resumed: true }, () => {
          for (const entry of recent) connection.sendPush(entry.body, subscriber.eidTail);
        });
      }
      // Replaying more versions than the hall has seats costs more than a snapshot.
      if (state.version - sinceVersion > state.seatCount) return snapshotReply(state, connection, eid);

      const upTo = state.version;
      const logged = await changesAfter(hallId, sinceVersion, upTo);
      state = store.peek(hallId) ?? state;
      // The state may have moved on during the read: the rest must come from the ring.
      const tail = upTo < state.version ? state.ring.from(upTo) : [];
      const complete = logged.length === upTo - sinceVersion && (logged[0]?.version ?? sinceVersion + 1) === sinceVersion + 1;
      if (!tail || !complete) return snapshotReply(state, connection, eid);

      const missed = state.replay(sinceVersion, [...logged, ...tail.map((entry) => entry.change)]);
      const subscriber = register(state, connection, eid);
      return new HandlerReply('success', { id: hallId, version: sinceVersion, resumed: true }, () => {
        for (const update of missed) connection.sendPush(encodePushBody('hall.subscribe', 'update', update), subscriber.eidTail);
      });
    },

    unsubscribe(connection: Connection, target: { id: number } | { sub_eid: string }): { unsubscribed: number } {
      const unsubscribed = 'id' in target
        ? connection.removeTopic(HALL_TOPIC(target.id))
        : Number(connection.removeSubscription(target.sub_eid));
      if (unsubscribed === 0) throw new AppError('NotSubscribed', 'no such hall subscription on this connection');
      return { unsubscribed };
    },
  };
}
