// Socket messages of the cinema module: the contract (schemas, access, errors) and, bound
// to the service and the feed, the handlers that answer it.
import { RawJson } from '../../core/protocol/envelope.js';
import { defineMessage, handleMessage } from '../../core/protocol/handler.js';
import { deletedSchema, noDataSchema, unsubscribedSchema } from '../../core/protocol/schemas.js';
import type { CinemaService } from './cinema.service.js';
import type { CinemasFeed } from './cinema.subscription.js';
import {
  cinemaCreateSchema,
  cinemaIdSchema,
  cinemaListSchema,
  cinemasUnsubscribeSchema,
  cinemasUpdateSchema,
  cinemaUpdatedSchema,
  cinemaUpdateSchema,
  cinemaViewSchema,
} from './cinema.types.js';

export const cinemaMessages = {
  list: defineMessage({
    type: 'cinemas.get_cinemas',
    description: 'Every cinema with its halls and their seat counts by status.',
    access: 'reader',
    data: noDataSchema,
    reply: cinemaListSchema,
    errors: [],
  }),
  subscribe: defineMessage({
    type: 'cinemas.subscribe',
    description:
      'The cinema list live. Reply `snapshot` (the cinemas.get_cinemas list), then pushes: `update` with the halls whose counts changed (deep-merge by id), and `snapshot` (the whole list) after a cinema or hall is created, renamed or deleted.',
    access: 'reader',
    data: noDataSchema,
    reply: cinemaListSchema,
    pushes: { update: cinemasUpdateSchema, snapshot: cinemaListSchema },
    errors: ['TooManySubscriptions'],
  }),
  unsubscribe: defineMessage({
    type: 'cinemas.unsubscribe',
    description: 'Stop cinema list pushes: `null` ends every cinemas subscription of this connection, `{sub_eid}` the one made by that request.',
    access: 'public',
    data: cinemasUnsubscribeSchema,
    reply: unsubscribedSchema,
    errors: ['NotSubscribed'],
  }),
  create: defineMessage({
    type: 'cinema.create',
    description: 'Create a cinema with a display colour.',
    access: 'admin',
    data: cinemaCreateSchema,
    reply: cinemaViewSchema,
    errors: ['NameTaken'],
  }),
  update: defineMessage({
    type: 'cinema.update',
    description: 'Rename a cinema or change its colour.',
    access: 'admin',
    data: cinemaUpdateSchema,
    reply: cinemaUpdatedSchema,
    errors: ['CinemaNotFound', 'NameTaken'],
  }),
  delete: defineMessage({
    type: 'cinema.delete',
    description: 'Delete a cinema with its halls; refused while any seat in them is OCCUPIED.',
    access: 'admin',
    data: cinemaIdSchema,
    reply: deletedSchema,
    errors: ['CinemaNotFound', 'CinemaHasOccupiedSeats'],
  }),
} as const;

export function createCinemaHandlers(service: CinemaService, feed: CinemasFeed) {
  const m = cinemaMessages;
  return [
    handleMessage(m.list, async () => new RawJson(await service.listJson())),
    handleMessage(m.subscribe, async ({ connection, eid }) => feed.subscribe(connection, eid, await service.listJson())),
    handleMessage(m.unsubscribe, ({ connection }, data) => feed.unsubscribe(connection, data?.sub_eid)),
    handleMessage(m.create, (_context, data) => service.create(data)),
    handleMessage(m.update, (_context, data) => service.update(data)),
    handleMessage(m.delete, (_context, data) => service.remove(data.id)),
  ];
}
