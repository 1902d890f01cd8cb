// Socket messages of the seat module: parse (done by the router with these schemas),
// check role (the router, from `access`), call the service, return the reply data.
import { z } from 'zod';
import { defineHandler } from '../../core/protocol/handler.js';
import type { SeatService } from './seat.service.js';
import { hallHistorySchema, markSeatsSchema, seatTypeCreateSchema, seatTypeUpdateSchema } from './seat.types.js';

export function createSeatHandlers(service: SeatService) {
  return [
    defineHandler({
      type: 'hall.update_seat_status',
      description:
        'Set the status of one seat (`{hall_id, seat_id, status}`) or of several in one all-or-nothing batch (`{hall_id, seats: [{seat_id, status}], expected_version?}`). A committed change bumps the hall version once and is pushed to every subscriber; seats already in the requested status are left out (no event), and a call that changes nothing returns the current version with `seats: []`.',
      access: 'staff',
      data: markSeatsSchema,
      reply: '{id, version, seats: [{id, status, updated_at}]}',
      errors: ['HallNotFound', 'SeatNotFound', 'VersionConflict'],
      handle: ({ session }, data) => service.markSeats(data, session!),
    }),
    defineHandler({
      type: 'hall.history',
      description: 'The audit trail of a hall, newest first. Pass `next_before_version` back as `before_version` for the next page.',
      access: 'staff',
      data: hallHistorySchema,
      reply: '{hall_id, events: [{version, seat_id, row, place, old_status, new_status, username, at}], next_before_version}',
      errors: ['HallNotFound'],
      handle: (_context, data) => service.history(data),
    }),
    defineHandler({
      type: 'seat_type.list',
      description: 'All seat types.',
      access: 'reader',
      data: z.null().or(z.object({}).strict()),
      reply: '[{id, name, color}]',
      errors: [],
      handle: () => service.listSeatTypes(),
    }),
    defineHandler({
      type: 'seat_type.create',
      description: 'Create a seat type (e.g. VIP) with a display colour.',
      access: 'admin',
      data: seatTypeCreateSchema,
      reply: '{id, name, color}',
      errors: ['NameTaken'],
      handle: (_context, data) => service.createSeatType(data),
    }),
    defineHandler({
      type: 'seat_type.update',
      description: "Rename a seat type or change its colour; halls using it are re-sent as snapshots.",
      access: 'admin',
      data: seatTypeUpdateSchema,
      reply: '{id, name, color}',
      errors: ['SeatTypeNotFound', 'NameTaken'],
      handle: (_context, data) => service.updateSeatType(data),
    }),
  ];
}
