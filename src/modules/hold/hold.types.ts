// The hold module's contract: a box-office system holds seats of a showing for a while
// (all or nothing), then confirms them (they become OCCUPIED) or releases them; a hold
// not confirmed in time expires by itself. Held seats are HELD in the showing's map.
import { z } from 'zod';
import { idSchema as id } from '../../core/bounds.js';
import { timestampSchema } from '../../core/protocol/schemas.js';

export const HOLD_MIN_SECONDS = 10;
export const HOLD_MAX_SECONDS = 900;
export const HOLD_DEFAULT_SECONDS = 300;
export const HOLD_MAX_SEATS = 100;

export const holdCreateSchema = z.object({
  seat_ids: z
    .array(id)
    .min(1)
    .max(HOLD_MAX_SEATS)
    .refine((ids) => new Set(ids).size === ids.length, 'a seat may appear once'),
  ttl_seconds: z.int().min(HOLD_MIN_SECONDS).max(HOLD_MAX_SECONDS).default(HOLD_DEFAULT_SECONDS),
});
export type HoldCreateInput = z.output<typeof holdCreateSchema>;

export const HOLD_STATUSES = ['active', 'confirmed', 'released', 'expired'] as const;
export type HoldStatus = (typeof HOLD_STATUSES)[number];

export const holdIdSchema = z.uuid();

export const holdViewSchema = z.strictObject({
  id: holdIdSchema,
  showing_id: id,
  hall_id: id,
  seat_ids: z.array(id),
  status: z.enum(HOLD_STATUSES),
  /** When an active hold frees its seats by itself (database clock). */
  expires_at: timestampSchema,
  /** Who holds it: the API key's name, or a username. */
  holder: z.string(),
  /** The showing's version that applied the hold's last change (held, confirmed, released or expired). */
  version: z.number().int().min(0),
});
export type HoldView = z.output<typeof holdViewSchema>;

/** Who asks: an API key (box office) or a logged-in user. Only the holder (or an admin) may confirm or release. */
export interface Holder {
  kind: 'api_key' | 'user';
  id: number;
  name: string;
  admin?: boolean;
}

/**
 * Errors: ShowingNotFound, ShowingCancelled, ShowingEnded, SeatNotFound,
 * SeatsUnavailable (details.seat_ids: the seats that are not VACANT), HoldNotFound,
 * HoldNotActive (details.status), Forbidden (not the holder).
 */
export interface HoldService {
  create(showingId: number, input: HoldCreateInput, holder: Holder): Promise<HoldView>;
  confirm(holdId: string, holder: Holder): Promise<HoldView>;
  release(holdId: string, holder: Holder): Promise<HoldView>;
  get(holdId: string, holder: Holder): Promise<HoldView>;
}
