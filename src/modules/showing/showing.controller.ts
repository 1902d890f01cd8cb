// Socket messages of the showing module: the contract (schemas, access, errors) and,
// bound to the service, the subscriptions and the lobby feed, the handlers that answer it.
import { z } from 'zod';
import { defineMessage, handleMessage } from '../../core/protocol/handler.js';
import { deletedSchema, unsubscribedSchema } from '../../core/protocol/schemas.js';
import { hallResumedSchema, hallSnapshotPushSchema, hallUpdateSchema, hallViewSchema, showingTopic, type HallSubscriptions, type HallStore } from '../hall/index.js';
import type { ScheduleFeed } from './showing.feed.js';
import type { ShowingService } from './showing.service.js';
import {
  scheduleSchema,
  scheduleSubscribeSchema,
  scheduleUnsubscribeSchema,
  scheduleUpdateSchema,
  showingBulkCreateSchema,
  showingCreateSchema,
  showingIdSchema,
  showingListReplySchema,
  showingListSchema,
  showingSubscribeSchema,
  showingUnsubscribeSchema,
  showingUpdateSchema,
  showingViewSchema,
} from './showing.types.js';

export const showingMessages = {
  list: defineMessage({
    type: 'showing.list',
    description:
      'Showings of one hall (`hall_id`) or of every hall of a cinema (`cinema_id`) that overlap a window (`from`, `to`: ISO instants, at most 31 days apart; default a day ago to a week ahead), cancelled ones included, in start order, with seats left.',
    access: 'reader',
    data: showingListSchema,
    reply: showingListReplySchema,
    errors: [],
  }),
  get: defineMessage({
    type: 'showing.get',
    description: "One showing's seat map (the hall.get shape, with `showing` set and the showing's version).",
    access: 'reader',
    data: showingIdSchema,
    reply: hallViewSchema,
    errors: ['ShowingNotFound'],
  }),
  subscribe: defineMessage({
    type: 'showing.subscribe',
    description:
      "Live seat map of one showing, whether or not it is its hall's current one: the hall.subscribe protocol (snapshot, or with `since_version` and `epoch` a resume; then `update` per version) on this showing's own version stream. `snapshot` pushes with `reason: \"changed\"` follow a move, rename or cancellation (`showing.status`); `update` `{id, deleted: true}` when its hall is deleted.",
    access: 'reader',
    data: showingSubscribeSchema,
    reply: z.union([hallViewSchema, hallResumedSchema]),
    pushes: { update: z.union([hallUpdateSchema, deletedSchema]), snapshot: hallSnapshotPushSchema },
    errors: ['ShowingNotFound', 'TooManySubscriptions'],
  }),
  unsubscribe: defineMessage({
    type: 'showing.unsubscribe',
    description: 'Stop pushes of a showing: `{id}` ends every subscription of this connection to it, `{sub_eid}` the one made by that subscribe request.',
    access: 'public',
    data: showingUnsubscribeSchema,
    reply: unsubscribedSchema,
    errors: ['NotSubscribed'],
  }),
  create: defineMessage({
    type: 'showing.create',
    description:
      'Schedule a showing: `{hall_id, title, starts_at, ends_at}` (ISO instants with an offset; up to 24 hours; it must not have ended). Two scheduled showings of a hall never overlap (the database refuses it: ShowingOverlap); one may start the moment the previous ends. Seats under maintenance show as MAINTENANCE in it from the start.',
    access: 'admin',
    data: showingCreateSchema,
    reply: showingViewSchema,
    errors: ['HallNotFound', 'ShowingOverlap', 'ShowingEnded'],
  }),
  bulkCreate: defineMessage({
    type: 'showing.bulk_create',
    description: "Schedule up to 200 showings of one hall in one call (a week's schedule), all or none: one overlap (with each other or an existing showing) or one in the past refuses the whole call.",
    access: 'admin',
    data: showingBulkCreateSchema,
    reply: z.strictObject({ showings: z.array(showingViewSchema) }),
    errors: ['HallNotFound', 'ShowingOverlap', 'ShowingEnded'],
  }),
  update: defineMessage({
    type: 'showing.update',
    description:
      'Rename a showing (`title`) or move it (`starts_at`, `ends_at`; only before it starts). The same overlap and time rules as showing.create.',
    access: 'admin',
    data: showingUpdateSchema,
    reply: showingViewSchema,
    errors: ['ShowingNotFound', 'ShowingCancelled', 'ShowingStarted', 'ShowingOverlap', 'ShowingEnded'],
  }),
  cancel: defineMessage({
    type: 'showing.cancel',
    description:
      "Cancel a showing that has not ended (running ones too): its seat map and log stay, its seats can no longer change, its time is free for another showing, and halls showing it move on at once. Cancelling a cancelled showing changes nothing.",
    access: 'admin',
    data: showingIdSchema,
    reply: showingViewSchema,
    errors: ['ShowingNotFound', 'ShowingEnded'],
  }),
  scheduleSubscribe: defineMessage({
    type: 'schedule.subscribe',
    description:
      "A cinema's coming showings of the day (SCHEDULE_TIME_ZONE) with seats left, for lobby boards: reply `snapshot`; then `update` pushes `{cinema_id, showings: [{id, version, seats_left}]}` when seats are sold or freed, and a new `snapshot` whenever the list changes (a showing starts and leaves it, one is scheduled, moved or cancelled, a new day begins).",
    access: 'reader',
    data: scheduleSubscribeSchema,
    reply: scheduleSchema,
    pushes: { update: scheduleUpdateSchema, snapshot: scheduleSchema },
    errors: ['CinemaNotFound', 'TooManySubscriptions'],
  }),
  scheduleUnsubscribe: defineMessage({
    type: 'schedule.unsubscribe',
    description: 'Stop pushes of a cinema\'s schedule: `{cinema_id}` or `{sub_eid}`.',
    access: 'public',
    data: scheduleUnsubscribeSchema,
    reply: unsubscribedSchema,
    errors: ['NotSubscribed'],
  }),
} as const;

export function createShowingHandlers(service: ShowingService, store: HallStore, subscriptions: HallSubscriptions, feed: ScheduleFeed) {
  const m = showingMessages;
  return [
    handleMessage(m.list, (_context, data) => service.list(data)),
    handleMessage(m.get, async (_context, data) => (await store.get({ hall_id: 0, showing_id: data.id })).snapshot()),
    handleMessage(m.subscribe, ({ connection, eid }, data) => subscriptions.subscribeShowing(connection, eid, data)),
    handleMessage(m.unsubscribe, ({ connection }, data) => subscriptions.unsubscribe(connection, 'id' in data ? showingTopic(data.id) : '', data, 'showing')),
    handleMessage(m.create, (_context, data) => service.create(data)),
    handleMessage(m.bulkCreate, (_context, data) => service.bulkCreate(data)),
    handleMessage(m.update, (_context, data) => service.update(data)),
    handleMessage(m.cancel, (_context, data) => service.cancel(data.id)),
    handleMessage(m.scheduleSubscribe, ({ connection, eid }, data) => feed.subscribe(connection, eid, data.cinema_id)),
    handleMessage(m.scheduleUnsubscribe, ({ connection }, data) => feed.unsubscribe(connection, data)),
  ];
}
