// hall.subscribe: a snapshot, or (with since_version) exactly the missed updates in order
// (from the in-memory ring, else from the durable SeatEvent log), then every live update.
// The reads that need the database happen first; then one synchronous step (the
// DeferredReply) decides what to send from the state as it is at that moment, registers
// the subscriber and writes the reply and the missed updates, so no version can slip
// between "what the client was sent" and "what it will be pushed".
import { AppError } from '../../core/errors.js';
import { Push } from '../../core/protocol/dialect.js';
import { DeferredReply, HandlerReply } from '../../core/protocol/handler.js';
import type { Connection } from '../../core/ws/connection.js';
import type { ChangeLog, CommittedChange } from '../seat/index.js';
import { hallTopic, type HallState } from './hall.state.js';
import type { HallStore } from './hall.store.js';

export function createHallSubscriptions(store: HallStore, changeLog: ChangeLog) {
  function register(state: HallState, connection: Connection, eid: string) {
    const topic = state.topic;
    // Claim the slot first: it throws when the connection has too many subscriptions.
    connection.addSubscription(eid, { topic: hallTopic(state.id), release: () => topic.delete(subscriber) });
    const subscriber = topic.add(connection, eid);
    return subscriber;
  }

  function snapshot(state: HallState, connection: Connection, eid: string): HandlerReply {
    register(state, connection, eid);
    return new HandlerReply('snapshot', state.snapshot());
  }

  function resumed(state: HallState, connection: Connection, eid: string, since: number, send: (eidTail: Buffer) => void): HandlerReply {
    const subscriber = register(state, connection, eid);
    return new HandlerReply('success', { id: state.id, version: since, resumed: true }, () => send(subscriber.eidTail));
  }

  return {
    async subscribe(connection: Connection, eid: string, request: { id: number; since_version?: number; epoch?: string }): Promise<DeferredReply> {
      const hallId = request.id;
      let state = await store.get(hallId);
      // Versions of another database history (restored, or made anew) mean nothing here.
      const since = request.epoch !== undefined && request.epoch !== state.epoch ? undefined : request.since_version;
      if (since !== undefined && since > state.version) {
        // Ahead of us: another instance may have told the client of versions our NOTIFY
        // has not brought yet. Read the log before calling it a reset database.
        await store.catchUpNow(hallId);
        state = await store.get(hallId);
      }
      let logged: CommittedChange[] | null = null;
      const needsLog = since !== undefined && since < state.version && !state.ring.from(since);
      if (needsLog) {
        // Replaying more events than the hall has seats costs more than a snapshot.
        logged = await changeLog.readLog(hallId, since, state.version, state.seatCount);
      }

      return new DeferredReply(() => {
        const current = store.peek(hallId);
        if (!current) throw new AppError('HallNotFound', `no hall ${hallId}`);
        if (since === undefined || since > current.version) return snapshot(current, connection, eid);
        // Up to date: nothing to send, whatever the ring holds (it is empty after a restart).
        if (since === current.version) return resumed(current, connection, eid, since, () => undefined);

        const recent = current.ring.from(since);
        if (recent) {
          return resumed(current, connection, eid, since, (tail) => {
            for (const entry of recent) for (const body of entry.push.bodiesFor(connection.dialect)) connection.sendPush(body, tail);
          });
        }
        if (!logged) return snapshot(current, connection, eid);
        // The state may have moved on during the read: the rest must come from the ring.
        const loggedTo = logged.at(-1)?.version ?? since;
        const rest = loggedTo < current.version ? current.ring.from(loggedTo) : [];
        const complete = loggedTo - since === logged.length && (logged[0]?.version ?? since + 1) === since + 1;
        if (!rest || !complete) return snapshot(current, connection, eid);
        const missed = current.replay(since, [...logged, ...rest.map((entry) => entry.change)]);
        return resumed(current, connection, eid, since, (tail) => {
          for (const update of missed) {
            for (const body of new Push('hall.subscribe', 'update', update).bodiesFor(connection.dialect)) connection.sendPush(body, tail);
          }
        });
      });
    },

    unsubscribe(connection: Connection, target: { id: number } | { sub_eid: string }): { unsubscribed: number } {
      const unsubscribed = 'id' in target
        ? connection.removeTopic(hallTopic(target.id))
        : Number(connection.removeSubscription(target.sub_eid));
      if (unsubscribed === 0) throw new AppError('NotSubscribed', 'no such hall subscription on this connection');
      return { unsubscribed };
    },
  };
}
