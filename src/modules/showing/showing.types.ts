// The showing module's wire contract: request schemas, and the reply and push shapes with
// the types derived from them (the pages use the same types).
import { z } from 'zod';
import { idSchema as id, int4Schema, nameSchema } from '../../core/bounds.js';
import { timestampSchema } from '../../core/protocol/schemas.js';
import { SHOWING_STATUSES } from '../hall/index.js';

/** Longest showing accepted: a day (a marathon is several showings). */
export const MAX_SHOWING_MS = 24 * 3_600_000;
/** Widest window showing.list reads at once. */
export const MAX_LIST_WINDOW_MS = 31 * 24 * 3_600_000;

/** An instant with an explicit offset (`2026-12-01T18:00:00Z`, `...+01:00`), between 2000 and 2100. */
const instant = z.iso
  .datetime({ offset: true })
  .refine((value) => {
    const ms = Date.parse(value);
    return ms >= Date.UTC(2000, 0, 1) && ms < Date.UTC(2100, 0, 1);
  }, 'must be between 2000 and 2100');

const title = nameSchema(200);

function validTimes(value: { starts_at: string; ends_at: string }): boolean {
  const length = Date.parse(value.ends_at) - Date.parse(value.starts_at);
  return length > 0 && length <= MAX_SHOWING_MS;
}
const timesMessage = { message: 'ends_at must be after starts_at, and a showing lasts at most 24 hours', path: ['ends_at'] };

const showingInput = z.object({ title, starts_at: instant, ends_at: instant }).refine(validTimes, timesMessage);
export type ShowingInput = z.output<typeof showingInput>;

export const showingCreateSchema = z.object({ hall_id: id, title, starts_at: instant, ends_at: instant }).refine(validTimes, timesMessage);
export const showingBulkCreateSchema = z.object({ hall_id: id, showings: z.array(showingInput).min(1).max(200) });
export const showingUpdateSchema = z
  .object({ id, title: title.optional(), starts_at: instant.optional(), ends_at: instant.optional() })
  .refine((v) => v.title !== undefined || v.starts_at !== undefined || v.ends_at !== undefined, 'give a title, starts_at or ends_at');
export const showingIdSchema = z.object({ id });
export const showingListSchema = z
  .object({ hall_id: id.optional(), cinema_id: id.optional(), from: instant.optional(), to: instant.optional() })
  .refine((v) => (v.hall_id === undefined) !== (v.cinema_id === undefined), 'give hall_id or cinema_id')
  .refine(
    (v) => v.from === undefined || v.to === undefined || (Date.parse(v.to) > Date.parse(v.from) && Date.parse(v.to) - Date.parse(v.from) <= MAX_LIST_WINDOW_MS),
    'to must be after from, at most 31 days later',
  );
export type ShowingListInput = z.output<typeof showingListSchema>;
export const showingSubscribeSchema = z.object({ id, since_version: int4Schema.optional(), epoch: z.string().min(1).max(64).optional() });
export const showingUnsubscribeSchema = z.union([z.object({ id }), z.object({ sub_eid: z.string().min(1).max(128) })]);
export const scheduleSubscribeSchema = z.object({ cinema_id: id });
export const scheduleUnsubscribeSchema = z.union([z.object({ cinema_id: id }), z.object({ sub_eid: z.string().min(1).max(128) })]);

const count = z.number().int().min(0);

/** A showing in lists: when, where, and how full. */
export const showingViewSchema = z.strictObject({
  id,
  hall_id: id,
  hall_name: z.string(),
  cinema_id: id,
  title: z.string(),
  starts_at: timestampSchema,
  ends_at: timestampSchema,
  status: z.enum(SHOWING_STATUSES),
  /** The showing's seat map version. */
  version: count,
  seats_total: count,
  /** VACANT seats: neither sold nor under maintenance. */
  seats_left: count,
});
export type ShowingView = z.output<typeof showingViewSchema>;

export const showingListReplySchema = z.strictObject({ showings: z.array(showingViewSchema) });

/** schedule.subscribe: a cinema's coming showings of the day, in start order. */
export const scheduleSchema = z.strictObject({
  cinema_id: id,
  cinema_name: z.string(),
  /** The local date (SCHEDULE_TIME_ZONE) the list covers, YYYY-MM-DD. */
  day: z.string(),
  time_zone: z.string(),
  /** The server's clock (the database's) when this was built, for a display's own countdowns. */
  now: timestampSchema,
  showings: z.array(showingViewSchema),
});
export type ScheduleView = z.output<typeof scheduleSchema>;

/** A schedule `update`: new seats-left figures, by showing id. */
export const scheduleUpdateSchema = z.strictObject({
  cinema_id: id,
  showings: z.array(z.strictObject({ id, version: count, seats_left: count })),
});
export type ScheduleUpdate = z.output<typeof scheduleUpdateSchema>;
