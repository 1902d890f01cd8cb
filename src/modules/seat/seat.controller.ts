// Socket messages of the seat module: the contract (schemas, access, errors) and, bound
// to a service, the handlers that answer it.
import { z } from 'zod';
import { defineMessage, handleMessage } from '../../core/protocol/handler.js';
import { noDataSchema } from '../../core/protocol/schemas.js';
import type { SeatService } from './seat.service.js';
import {
  hallHistoryReplySchema,
  hallHistorySchema,
  markSeatsReplySchema,
  markSeatsSchema,
  seatTypeCreateSchema,
  seatTypeUpdateSchema,
  seatTypeViewSchema,
} from './seat.types.js';

export const seatMessages = {
  updateSeatStatus: defineMessage({
    type: 'hall.update_seat_status',
    description:
      'Set the status of one seat (`{hall_id, seat_id, status}`) or of several in one all-or-nothing batch (`{hall_id, seats: [{seat_id, status}], expected_version?}`) in one seat map of the hall: `showing_id` names a showing, `null` the hall\'s own map, and without it the change goes to the hall\'s current map (the one `hall.subscribe` shows: its running showing, or the next within the lead time, else its own). VACANT and OCCUPIED are per showing; MAINTENANCE belongs to the hall seat: setting it, or clearing it (any other status), also changes the hall\'s own map and every showing of the hall that has not ended, each by one version. A committed change bumps the map\'s version once and is pushed to every subscriber; seats already in the requested status are left out (no event), and a call that changes nothing returns the current version with `seats: []`. `expected_version` is the named map\'s. A seat a box office holds (HELD) cannot be sold or freed here (SeatsUnavailable names the seats); MAINTENANCE still applies.',
    access: 'staff',
    data: markSeatsSchema,
    reply: markSeatsReplySchema,
    errors: ['HallNotFound', 'ShowingNotFound', 'ShowingCancelled', 'ShowingEnded', 'SeatNotFound', 'SeatsUnavailable', 'VersionConflict'],
  }),
  history: defineMessage({
    type: 'hall.history',
    description: "The audit trail of a hall's own seat map, or with `showing_id` of one showing's, newest first. Pass `next_before_version` back as `before_version` for the next page.",
    access: 'staff',
    data: hallHistorySchema,
    reply: hallHistoryReplySchema,
    errors: ['HallNotFound', 'ShowingNotFound'],
  }),
  listSeatTypes: defineMessage({
    type: 'seat_type.list',
    description: 'All seat types.',
    access: 'reader',
    data: noDataSchema,
    reply: z.array(seatTypeViewSchema),
    errors: [],
  }),
  createSeatType: defineMessage({
    type: 'seat_type.create',
    description: 'Create a seat type (e.g. VIP) with a display colour.',
    access: 'admin',
    data: seatTypeCreateSchema,
    reply: seatTypeViewSchema,
    errors: ['NameTaken'],
  }),
  updateSeatType: defineMessage({
    type: 'seat_type.update',
    description: 'Rename a seat type or change its colour; halls using it are re-sent as snapshots.',
    access: 'admin',
    data: seatTypeUpdateSchema,
    reply: seatTypeViewSchema,
    errors: ['SeatTypeNotFound', 'NameTaken'],
  }),
} as const;

export function createSeatHandlers(service: SeatService) {
  const m = seatMessages;
  return [
    handleMessage(m.updateSeatStatus, ({ session }, data) => service.markSeats(data, session!)),
    handleMessage(m.history, (_context, data) => service.history(data)),
    handleMessage(m.listSeatTypes, () => service.listSeatTypes()),
    handleMessage(m.createSeatType, (_context, data) => service.createSeatType(data)),
    handleMessage(m.updateSeatType, (_context, data) => service.updateSeatType(data)),
  ];
}
