// Socket messages of the hall module: the contract (schemas, access, errors) and, bound
// to the service and the subscriptions, the handlers that answer it.
import { z } from 'zod';
import { defineMessage, handleMessage } from '../../core/protocol/handler.js';
import { idSchema } from '../../core/bounds.js';
import { deletedSchema, unsubscribedSchema } from '../../core/protocol/schemas.js';
import { hallLayoutSpecSchema } from './hall.layout.js';
import type { HallService } from './hall.service.js';
import { hallTopic } from './hall.state.js';
import type { HallSubscriptions } from './hall.subscription.js';
import {
  hallIdSchema,
  hallNameSchema,
  hallRenamedSchema,
  hallRenameSchema,
  hallResumedSchema,
  hallSnapshotPushSchema,
  hallSubscribeSchema,
  hallUnsubscribeSchema,
  hallUpdateSchema,
  hallViewSchema,
  layoutPreviewSchema,
} from './hall.types.js';

export const hallMessages = {
  get: defineMessage({
    type: 'hall.get',
    description: "One hall with every seat and the counts per seat type, in the hall's current seat map (as hall.subscribe shows it; `showing` names the showing, null for the hall's own).",
    access: 'reader',
    data: hallIdSchema,
    reply: hallViewSchema,
    errors: ['HallNotFound'],
  }),
  subscribe: defineMessage({
    type: 'hall.subscribe',
    description:
      'Live seat map of a hall: its current one, which follows the clock. A hall with a showing running now (or starting within SHOWING_LEAD_MINUTES) shows that showing\'s map (`showing` in the snapshot); otherwise, and always for a hall without showings, its own. Without `since_version`, or with an `epoch` other than the database\'s (it was restored or made anew since): reply `snapshot` (the hall.get shape, with `epoch`). With `since_version`, the snapshot\'s `epoch` and `showing_id` (the snapshot\'s `showing.id`, omitted or null for the hall\'s own map) inside the retained log of the map the hall shows now: reply `success` `{id, showing_id, version: since_version, resumed: true}` then one `update` push per missed version, in order; otherwise (another map, too old, a gap larger than the hall, or a version from the future) a `snapshot` reply. Then pushes: `update` once per committed version of the current map (version = previous + 1 within one map: a gap means resubscribe with since_version); `snapshot` with `reason: "rollover"` when the hall moves to another map at a showing boundary (every instance at the same moment, by the database clock: from then on only the new map\'s updates arrive), or `reason: "changed"` after an admin change such as a rename; `update` `{id, deleted: true}` when the hall is deleted (the subscription ends).',
    access: 'reader',
    data: hallSubscribeSchema,
    reply: z.union([hallViewSchema, hallResumedSchema]),
    pushes: { update: z.union([hallUpdateSchema, deletedSchema]), snapshot: hallSnapshotPushSchema },
    errors: ['HallNotFound', 'TooManySubscriptions'],
  }),
  unsubscribe: defineMessage({
    type: 'hall.unsubscribe',
    description: 'Stop pushes of a hall: `{id}` ends every subscription of this connection to that hall, `{sub_eid}` the one made by that subscribe request.',
    access: 'public',
    data: hallUnsubscribeSchema,
    reply: unsubscribedSchema,
    errors: ['NotSubscribed'],
  }),
  preview: defineMessage({
    type: 'hall.preview',
    description: "Compute the seats of a layout spec without saving it (for the admin page's live preview).",
    access: 'admin',
    data: z.object({ layout: hallLayoutSpecSchema }),
    reply: layoutPreviewSchema,
    errors: [],
  }),
  create: defineMessage({
    type: 'hall.create',
    description:
      'Create a hall in a cinema from a layout spec `{rows, places: n | n[], aisles_after: n[], shape: "straight" | "curved", seat_type_id, row_seat_types?: [{row, seat_type_id}], seat_seat_types?: [{row, place, seat_type_id}]}`; the server computes each seat\'s x, y, width, height and rotation.',
    access: 'admin',
    data: z.object({ cinema_id: idSchema, name: hallNameSchema, layout: hallLayoutSpecSchema }),
    reply: hallViewSchema,
    errors: ['CinemaNotFound', 'SeatTypeNotFound', 'NameTaken'],
  }),
  rename: defineMessage({
    type: 'hall.rename',
    description: 'Rename a hall; refused while any of its seats is OCCUPIED.',
    access: 'admin',
    data: hallRenameSchema,
    reply: hallRenamedSchema,
    errors: ['HallNotFound', 'HallHasOccupiedSeats', 'NameTaken'],
  }),
  delete: defineMessage({
    type: 'hall.delete',
    description: 'Delete a hall with its seats and history; refused while any of its seats is OCCUPIED.',
    access: 'admin',
    data: hallIdSchema,
    reply: deletedSchema,
    errors: ['HallNotFound', 'HallHasOccupiedSeats'],
  }),
} as const;

export function createHallHandlers(service: HallService, subscriptions: HallSubscriptions) {
  const m = hallMessages;
  return [
    handleMessage(m.get, (_context, data) => service.get(data.id)),
    handleMessage(m.subscribe, ({ connection, eid }, data) => subscriptions.subscribeHall(connection, eid, data)),
    handleMessage(m.unsubscribe, ({ connection }, data) => subscriptions.unsubscribe(connection, 'id' in data ? hallTopic(data.id) : '', data, 'hall')),
    handleMessage(m.preview, (_context, data) => service.preview(data.layout)),
    handleMessage(m.create, (_context, data) => service.create(data)),
    handleMessage(m.rename, (_context, data) => service.rename(data.id, data.name)),
    handleMessage(m.delete, (_context, data) => service.remove(data.id)),
  ];
}
