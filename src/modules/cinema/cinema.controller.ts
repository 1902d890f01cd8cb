// Socket messages of the cinema module.
import { defineHandler } from '../../core/protocol/handler.js';
import { RawJson } from '../../core/protocol/envelope.js';
import type { CinemaService } from './cinema.service.js';
import type { CinemasFeed } from './cinema.subscription.js';
import { cinemaCreateSchema, cinemaIdSchema, cinemasUnsubscribeSchema, cinemaUpdateSchema, noDataSchema } from './cinema.types.js';

const LIST_SHAPE = '[{id, name, color, created_at, halls: [{id, name, rows, places, seats_count: {VACANT, OCCUPIED, MAINTENANCE}}]}]';

export function createCinemaHandlers(service: CinemaService, feed: CinemasFeed) {
  return [
    defineHandler({
      type: 'cinemas.get_cinemas',
      description: 'Every cinema with its halls and their seat counts by status.',
      access: 'reader',
      data: noDataSchema,
      reply: LIST_SHAPE,
      errors: [],
      handle: async () => new RawJson(await service.listJson()),
    }),
    defineHandler({
      type: 'cinemas.subscribe',
      description:
        'The cinema list live. Reply `snapshot` (the cinemas.get_cinemas list), then pushes: `update` `[{id: cinema_id, halls: [{id: hall_id, seats_count}]}]` with the halls whose counts changed (deep-merge by id), and `snapshot` (the whole list) after a cinema or hall is created, renamed or deleted.',
      access: 'reader',
      data: noDataSchema,
      reply: LIST_SHAPE,
      errors: ['TooManySubscriptions'],
      handle: async ({ connection, eid }) => feed.subscribe(connection, eid, await service.listJson()),
    }),
    defineHandler({
      type: 'cinemas.unsubscribe',
      description: 'Stop cinema list pushes: `null` ends every cinemas subscription of this connection, `{sub_eid}` the one made by that request.',
      access: 'public',
      data: cinemasUnsubscribeSchema,
      reply: '{unsubscribed: number}',
      errors: ['NotSubscribed'],
      handle: ({ connection }, data) => feed.unsubscribe(connection, data?.sub_eid),
    }),
    defineHandler({
      type: 'cinema.create',
      description: 'Create a cinema with a display colour.',
      access: 'admin',
      data: cinemaCreateSchema,
      reply: '{id, name, color, created_at, halls: []}',
      errors: ['NameTaken'],
      handle: (_context, data) => service.create(data),
    }),
    defineHandler({
      type: 'cinema.update',
      description: 'Rename a cinema or change its colour.',
      access: 'admin',
      data: cinemaUpdateSchema,
      reply: '{id}',
      errors: ['CinemaNotFound', 'NameTaken'],
      handle: (_context, data) => service.update(data),
    }),
    defineHandler({
      type: 'cinema.delete',
      description: 'Delete a cinema with its halls; refused while any seat in them is OCCUPIED.',
      access: 'admin',
      data: cinemaIdSchema,
      reply: '{id, deleted: true}',
      errors: ['CinemaNotFound', 'CinemaHasOccupiedSeats'],
      handle: (_context, data) => service.remove(data.id),
    }),
  ];
}
