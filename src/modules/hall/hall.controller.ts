// Socket messages of the hall module.
import { z } from 'zod';
import { idSchema } from '../../core/bounds.js';
import { defineHandler } from '../../core/protocol/handler.js';
import { hallLayoutSpecSchema } from './hall.layout.js';
import type { HallService } from './hall.service.js';
import type { createHallSubscriptions } from './hall.subscription.js';
import { hallIdSchema, hallNameSchema, hallRenameSchema, hallSubscribeSchema, hallUnsubscribeSchema } from './hall.types.js';

const HALL_SHAPE =
  '{id, cinema_id, cinema_name, name, rows, places, version, seats: [{id, row, place, x, y, width, height, rotation, status, updated_at, seat_type: {id, name, color}}], seat_types: [{id, name, color, seats_count, seats: {VACANT, OCCUPIED, MAINTENANCE}}]}';

export function createHallHandlers(service: HallService, subscriptions: ReturnType<typeof createHallSubscriptions>) {
  return [
    defineHandler({
      type: 'hall.get',
      description: 'One hall with every seat and the counts per seat type.',
      access: 'reader',
      data: hallIdSchema,
      reply: HALL_SHAPE,
      errors: ['HallNotFound'],
      handle: (_context, data) => service.get(data.id),
    }),
    defineHandler({
      type: 'hall.subscribe',
      description:
        'Live seat map of a hall. Without `since_version`: reply `snapshot` (the hall.get shape). With `since_version` inside the retained log: reply `success` `{id, version: since_version, resumed: true}` then one `update` push per missed version, in order; otherwise (too old, a gap larger than the hall, or a version from the future) a `snapshot` reply. Then pushes: `update` `{id, version, seats: [{id, status, updated_at}], seat_types: [{id, seats: {VACANT, OCCUPIED, MAINTENANCE}}]}` once per committed version (version = previous + 1: a gap means resubscribe with since_version); `snapshot` (full hall) after an admin change such as a rename; `update` `{id, deleted: true}` when the hall is deleted (the subscription ends).',
      access: 'reader',
      data: hallSubscribeSchema,
      reply: `${HALL_SHAPE} | {id, version, resumed: true}`,
      errors: ['HallNotFound', 'TooManySubscriptions'],
      handle: ({ connection, eid }, data) => subscriptions.subscribe(connection, eid, data.id, data.since_version),
    }),
    defineHandler({
      type: 'hall.unsubscribe',
      description: 'Stop pushes of a hall: `{id}` ends every subscription of this connection to that hall, `{sub_eid}` the one made by that subscribe request.',
      access: 'public',
      data: hallUnsubscribeSchema,
      reply: '{unsubscribed: number}',
      errors: ['NotSubscribed'],
      handle: ({ connection }, data) => subscriptions.unsubscribe(connection, data),
    }),
    defineHandler({
      type: 'hall.preview',
      description: 'Compute the seats of a layout spec without saving it (for the admin page\'s live preview).',
      access: 'admin',
      data: z.object({ layout: hallLayoutSpecSchema }),
      reply: '{rows, places, seats: [{row, place, x, y, width, height, rotation, seat_type_id}]}',
      errors: [],
      handle: (_context, data) => service.preview(data.layout),
    }),
    defineHandler({
      type: 'hall.create',
      description:
        'Create a hall in a cinema from a layout spec `{rows, places: n | n[], aisles_after: n[], shape: "straight" | "curved", seat_type_id, row_seat_types?: [{row, seat_type_id}], seat_seat_types?: [{row, place, seat_type_id}]}`; the server computes each seat\'s x, y, width, height and rotation.',
      access: 'admin',
      data: z.object({ cinema_id: idSchema, name: hallNameSchema, layout: hallLayoutSpecSchema }),
      reply: HALL_SHAPE,
      errors: ['CinemaNotFound', 'SeatTypeNotFound', 'NameTaken'],
      handle: (_context, data) => service.create(data),
    }),
    defineHandler({
      type: 'hall.rename',
      description: 'Rename a hall; refused while any of its seats is OCCUPIED.',
      access: 'admin',
      data: hallRenameSchema,
      reply: '{id, name}',
      errors: ['HallNotFound', 'HallHasOccupiedSeats', 'NameTaken'],
      handle: (_context, data) => service.rename(data.id, data.name),
    }),
    defineHandler({
      type: 'hall.delete',
      description: 'Delete a hall with its seats and history; refused while any of its seats is OCCUPIED.',
      access: 'admin',
      data: hallIdSchema,
      reply: '{id, deleted: true}',
      errors: ['HallNotFound', 'HallHasOccupiedSeats'],
      handle: (_context, data) => service.remove(data.id),
    }),
  ];
}
