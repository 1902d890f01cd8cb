// hall.subscribe and showing.subscribe: a snapshot, or (with since_version) exactly the
// missed updates in order (from the in-memory ring, else from the durable log), then
// every live update. hall.subscribe follows the hall's current seat map (its running or
// next showing, else its own) and moves with it (HallStore.rollover); showing.subscribe
// stays on one showing.
// The reads that need the database happen first; then one synchronous step (the
// DeferredReply) decides what to send from the state as it is at that moment, registers
// the subscriber and writes the reply and the missed updates, so no version can slip
// between "what the client was sent" and "what it will be pushed".
import { AppError } from '../../core/errors.js';
import { Push } from '../../core/protocol/dialect.js';
import { DeferredReply, HandlerReply } from '../../core/protocol/handler.js';
import type { Connection } from '../../core/ws/connection.js';
import type { Topic } from '../../core/ws/topic.js';
import type { ChangeLog, CommittedChange, StreamKey } from '../seat/index.js';
import type { HallState } from './hall.state.js';
import type { HallStore } from './hall.store.js';

interface ResumeRequest {
  since_version?: number;
  epoch?: string;
}

/** Where a subscription registers and which stream it shows, read at the synchronous step. */
interface Target {
  topic: Topic;
  /** Null when the stream is gone (its hall or showing deleted meanwhile). */
  current(): HallState | undefined;
  gone(): AppError;
}

export function createHallSubscriptions(store: HallStore, changeLog: ChangeLog) {
  function register(target: Target, connection: Connection, eid: string) {
    const topic = target.topic;
    // Claim the slot first: it throws when the connection has too many subscriptions.
    connection.addSubscription(eid, { topic: topic.name, release: () => topic.delete(subscriber) });
    const subscriber = topic.add(connection, eid);
    return subscriber;
  }

  /**
   * The common path of both subscriptions. `state` is the stream the client asked to
   * resume (already loaded); `wanted` its key, compared again at the synchronous step.
   */
  async function subscribe(target: Target, wanted: StreamKey, connection: Connection, eid: string, request: ResumeRequest): Promise<DeferredReply> {
    let state = target.current();
    if (!state) throw target.gone();
    // Versions of another database history (restored, or made anew) or of another seat
    // map mean nothing here.
    const sameStream = wanted === state.key;
    const since = (request.epoch !== undefined && request.epoch !== state.epoch) || !sameStream ? undefined : request.since_version;
    if (since !== undefined && since > state.version) {
      // Ahead of us: another instance may have told the client of versions our NOTIFY
      // has not brought yet. Read the log before calling it a reset database.
      await store.catchUpNow(state.key);
      state = target.current() ?? state;
    }
    let logged: CommittedChange[] | null = null;
    const needsLog = since !== undefined && since < state.version && !state.ring.from(since);
    if (needsLog) {
      // Replaying more events than the map has seats costs more than a snapshot.
      logged = await changeLog.readLog(state.ref, since, state.version, state.seatCount);
    }
    const readFrom = state.key;

    return new DeferredReply(() => {
      const current = target.current();
      if (!current) throw target.gone();
      const topic = target.topic;
      const snapshot = (): HandlerReply => {
        register(target, connection, eid);
        return new HandlerReply('snapshot', current.snapshot());
      };
      const resumed = (from: number, send: (eidTail: Buffer) => void): HandlerReply => {
        const subscriber = register(target, connection, eid);
        return new HandlerReply('success', { id: current.id, showing_id: current.showingId, version: from, resumed: true }, () => send(subscriber.eidTail));
      };
      // The hall rolled over to another map while the log was read: a snapshot of the new one.
      if (since === undefined || current.key !== readFrom || since > current.version) return snapshot();
      // Up to date: nothing to send, whatever the ring holds (it is empty after a restart).
      if (since === current.version) return resumed(since, () => undefined);

      const recent = current.ring.from(since);
      if (recent) {
        return resumed(since, (tail) => {
          for (const entry of recent) for (const body of entry.push(topic.type).bodiesFor(connection.dialect)) connection.sendPush(body, tail);
        });
      }
      if (!logged) return snapshot();
      // The state may have moved on during the read: the rest must come from the ring.
      const loggedTo = logged.at(-1)?.version ?? since;
      const rest = loggedTo < current.version ? current.ring.from(loggedTo) : [];
      const complete = loggedTo - since === logged.length && (logged[0]?.version ?? since + 1) === since + 1;
      if (!rest || !complete) return snapshot();
      const missed = current.replay(since, [...logged, ...rest.map((entry) => entry.change)]);
      return resumed(since, (tail) => {
        for (const update of missed) {
          for (const body of new Push(topic.type, 'update', update).bodiesFor(connection.dialect)) connection.sendPush(body, tail);
        }
      });
    });
  }

  return {
    async subscribeHall(connection: Connection, eid: string, request: ResumeRequest & { id: number; showing_id?: number | null }): Promise<DeferredReply> {
      const hallId = request.id;
      const live = await store.liveHall(hallId);
      const wanted: StreamKey = request.showing_id ? `showing:${request.showing_id}` : `hall:${hallId}`;
      return subscribe(
        {
          topic: live.topic,
          current: () => (store.peek(`hall:${hallId}`) ? store.currentState(live) : undefined),
          gone: () => new AppError('HallNotFound', `no hall ${hallId}`),
        },
        // Without showing_id the version is taken as the hall's own map's: a client that
        // never heard of showings gets a snapshot rather than another map's updates.
        wanted,
        connection,
        eid,
        request,
      );
    },

    async subscribeShowing(connection: Connection, eid: string, request: ResumeRequest & { id: number }): Promise<DeferredReply> {
      const state = await store.get({ hall_id: 0, showing_id: request.id });
      const key = state.key;
      return subscribe(
        { topic: state.topic!, current: () => store.peek(key), gone: () => new AppError('ShowingNotFound', `no showing ${request.id}`) },
        key,
        connection,
        eid,
        request,
      );
    },

    unsubscribe(connection: Connection, topicName: string, target: { id: number } | { sub_eid: string }, what: string): { unsubscribed: number } {
      const unsubscribed = 'id' in target ? connection.removeTopic(topicName) : Number(connection.removeSubscription(target.sub_eid));
      if (unsubscribed === 0) throw new AppError('NotSubscribed', `no such ${what} subscription on this connection`);
      return { unsubscribed };
    },
  };
}

export type HallSubscriptions = ReturnType<typeof createHallSubscriptions>;
