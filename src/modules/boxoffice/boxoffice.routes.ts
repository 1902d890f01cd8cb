// The box-office REST API (/api/v1) as route descriptors: what a ticketing system calls
// with an API key. Each names its scope, its parameters and headers, its reply and its
// errors; the mount validates with these schemas and docs/openapi.yaml is rendered from them.
import { z } from 'zod';
import { idSchema as id, int4Schema } from '../../core/bounds.js';
import { defineRestRoute, type RestHeader } from '../../core/http/route.js';
import { cinemaViewSchema } from '../cinema/index.js';
import { hallViewSchema } from '../hall/index.js';
import { holdCreateSchema, holdIdSchema, holdViewSchema } from '../hold/hold.types.js';
import { markSeatsReplySchema, SETTABLE_STATUSES } from '../seat/index.js';
import { showingListReplySchema } from '../showing/index.js';
import { idempotencyKeySchema } from './idempotency.js';

/** A path or query id: a string of digits in the URL, a positive int4 after parsing. */
const urlId = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, 'must be a positive integer')
  .pipe(z.coerce.number<string>().pipe(id));
const idParams = z.object({ id: urlId });
const holdParams = z.object({ id: holdIdSchema });

/** `"<version>"`: a seat map's version as a strong entity tag. */
export const ETAG_PATTERN = /^"(\d{1,10})"$/;
const etagSchema = z.string().regex(ETAG_PATTERN, 'must be a strong entity tag: the version in double quotes, e.g. "12"');

export const IDEMPOTENCY_HEADER: RestHeader = {
  name: 'Idempotency-Key',
  description:
    'Required on every POST and DELETE: a unique string per operation (a UUID). A retry with the same key (same API key, method, path and body) returns the first answer (status and body, with `Idempotent-Replayed: true`) and changes nothing; the same key with another request is refused with 422 (IdempotencyKeyReused); a retry while the first is still running gets 409 (IdempotencyInProgress) with Retry-After. Keys are kept at least 24 hours.',
  required: true,
  schema: idempotencyKeySchema,
};

const ETAG_HEADER: RestHeader = { name: 'ETag', description: 'The seat map\'s version as a strong entity tag, `"<version>"`.', required: true, schema: etagSchema };

export const restRoutes = {
  listCinemas: defineRestRoute({
    method: 'get',
    path: '/api/v1/cinemas',
    operationId: 'listCinemas',
    summary: 'Cinemas and their halls',
    description: "Every cinema the API key may see (all, or the key's cinemas), with its halls and their current seat counts by status.",
    scope: 'read',
    status: 200,
    reply: z.strictObject({ cinemas: z.array(cinemaViewSchema) }),
    errors: [],
  }),
  getHall: defineRestRoute({
    method: 'get',
    path: '/api/v1/halls/{id}',
    operationId: 'getHall',
    summary: "A hall's layout and current seat map",
    description: "One hall: its seats (row, place, type) in its current seat map (its running showing's, or the next within the lead time, else its own), as `hall.get` answers on the socket.",
    scope: 'read',
    params: idParams,
    status: 200,
    reply: hallViewSchema,
    errors: ['HallNotFound'],
  }),
  listShowings: defineRestRoute({
    method: 'get',
    path: '/api/v1/showings',
    operationId: 'listShowings',
    summary: 'Showings of a cinema or a hall',
    description:
      'Showings of one hall (`hall_id`) or of every hall of a cinema (`cinema_id`) overlapping a window (`from`, `to`: ISO instants with an offset, at most 31 days apart; default a day ago to a week ahead), cancelled ones included, in start order, with seats left.',
    scope: 'read',
    query: z.object({ cinema_id: urlId.optional(), hall_id: urlId.optional(), from: z.string().max(64).optional(), to: z.string().max(64).optional() }),
    status: 200,
    reply: showingListReplySchema,
    errors: ['CinemaNotFound', 'HallNotFound'],
  }),
  getSeats: defineRestRoute({
    method: 'get',
    path: '/api/v1/showings/{id}/seats',
    operationId: 'getShowingSeats',
    summary: "A showing's seat map",
    description:
      "Every seat of the showing's hall with its status in this showing, and the map's `version`, also sent as the strong `ETag`. With `If-None-Match` naming the current version the answer is 304 Not Modified, no body. Send the version back as `If-Match` when changing seats.",
    scope: 'read',
    params: idParams,
    headers: [{ name: 'If-None-Match', description: 'A version this client has (`"<version>"`): 304 while it is still current.', required: false, schema: z.string().max(256) }],
    status: 200,
    reply: hallViewSchema,
    replyHeaders: [ETAG_HEADER],
    notModified: true,
    errors: ['ShowingNotFound'],
  }),
  markSeats: defineRestRoute({
    method: 'post',
    path: '/api/v1/showings/{id}/seats',
    operationId: 'markShowingSeats',
    summary: "Change seats of a showing (a batch)",
    description:
      "Sets the status of several seats of the showing in one all-or-nothing batch, exactly as `hall.update_seat_status` with `showing_id` does on the socket (same rules: MAINTENANCE belongs to the hall seat and also changes the hall's own map and its other coming showings; seats already in the status are left out; a call that changes nothing answers the current version with `seats: []`; a HELD seat cannot be sold or freed here: 409 SeatsUnavailable naming it). Guard against overwriting a change you have not seen with `If-Match: \"<version>\"` (412 PreconditionFailed when the map moved on) or the body's `expected_version` (409 VersionConflict); both name the current version in `version`. The change is audited without a user (an API key's change).",
    scope: 'mark',
    params: idParams,
    headers: [
      IDEMPOTENCY_HEADER,
      { name: 'If-Match', description: 'The seat map version this change is based on, `"<version>"` (as the ETag of GET .../seats).', required: false, schema: etagSchema },
    ],
    body: z.object({
      seats: z
        .array(z.object({ seat_id: id, status: z.enum(SETTABLE_STATUSES) }))
        .min(1)
        .max(1_000)
        .refine((seats) => new Set(seats.map((s) => s.seat_id)).size === seats.length, 'a seat may appear once per call'),
      expected_version: int4Schema.optional(),
    }),
    status: 200,
    reply: markSeatsReplySchema,
    replyHeaders: [ETAG_HEADER],
    errors: ['ShowingNotFound', 'ShowingCancelled', 'ShowingEnded', 'SeatNotFound', 'SeatsUnavailable', 'VersionConflict', 'PreconditionFailed', 'IdempotencyKeyReused', 'IdempotencyInProgress'],
  }),
  createHold: defineRestRoute({
    method: 'post',
    path: '/api/v1/showings/{id}/holds',
    operationId: 'createHold',
    summary: 'Hold seats of a showing',
    description:
      'Holds a set of seats of the showing for `ttl_seconds` (10 to 900, default 300), all or nothing: each must be VACANT (else 409 SeatsUnavailable naming them in `seat_ids`). Held seats are HELD for everyone until confirmed, released, or `expires_at` (database clock) passes, when they are VACANT again by themselves.',
    scope: 'hold',
    params: idParams,
    headers: [IDEMPOTENCY_HEADER],
    body: holdCreateSchema,
    status: 201,
    reply: holdViewSchema,
    errors: ['ShowingNotFound', 'ShowingCancelled', 'ShowingEnded', 'SeatNotFound', 'SeatsUnavailable', 'IdempotencyKeyReused', 'IdempotencyInProgress'],
  }),
  getHold: defineRestRoute({
    method: 'get',
    path: '/api/v1/holds/{id}',
    operationId: 'getHold',
    summary: 'A hold',
    description: "One of this API key's holds: its seats, status and `expires_at`.",
    scope: 'hold',
    params: holdParams,
    status: 200,
    reply: holdViewSchema,
    errors: ['HoldNotFound'],
  }),
  confirmHold: defineRestRoute({
    method: 'post',
    path: '/api/v1/holds/{id}/confirm',
    operationId: 'confirmHold',
    summary: 'Confirm a hold (sell its seats)',
    description: 'Turns an active hold of this API key into OCCUPIED seats, atomically. A hold already confirmed, released or expired answers 409 HoldNotActive with its `status`.',
    scope: 'hold',
    params: holdParams,
    headers: [IDEMPOTENCY_HEADER],
    status: 200,
    reply: holdViewSchema,
    errors: ['HoldNotFound', 'HoldNotActive', 'IdempotencyKeyReused', 'IdempotencyInProgress'],
  }),
  releaseHold: defineRestRoute({
    method: 'delete',
    path: '/api/v1/holds/{id}',
    operationId: 'releaseHold',
    summary: 'Release a hold',
    description: 'Frees the seats of an active hold of this API key (VACANT again).',
    scope: 'hold',
    params: holdParams,
    headers: [IDEMPOTENCY_HEADER],
    status: 200,
    reply: holdViewSchema,
    errors: ['HoldNotFound', 'HoldNotActive', 'IdempotencyKeyReused', 'IdempotencyInProgress'],
  }),
} as const;

export const REST_ROUTES = Object.values(restRoutes);
