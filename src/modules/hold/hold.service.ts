// Hold rules: only the holder (or an admin) sees, confirms or releases a hold; every step
// that changed seats is handed to the hall store at once, like a seat write (other
// instances learn of it from the NOTIFY the statement sent).
import { randomUUID } from 'node:crypto';
import { AppError } from '../../core/errors.js';
import { streamKey, type ChangeSink } from '../seat/index.js';
import type { HoldModel, HoldOutcome, HoldRow } from './hold.model.js';
import type { Holder, HoldService, HoldView } from './hold.types.js';

/** A hold as clients see it. */
export function holdView(row: HoldRow): HoldView {
  return {
    id: row.id,
    showing_id: row.showing_id,
    hall_id: row.hall_id,
    seat_ids: row.seat_ids,
    status: row.status,
    expires_at: new Date(row.expires_at).toISOString(),
    holder: row.holder,
    version: row.version,
  };
}

function refusal(outcome: Exclude<HoldOutcome, { hold: HoldRow }>, what: string): AppError {
  switch (outcome.error) {
    case 'showing_not_found':
      return new AppError('ShowingNotFound', `no ${what}`);
    case 'cancelled':
      return new AppError('ShowingCancelled', 'the showing is cancelled');
    case 'ended':
      return new AppError('ShowingEnded', 'the showing has ended');
    case 'seat_not_found':
      return new AppError('SeatNotFound', 'a seat does not belong to the showing\'s hall; nothing was changed');
    case 'unavailable':
      return new AppError('SeatsUnavailable', `seats ${outcome.seat_ids.join(', ')} are not free; nothing was held`, { seat_ids: outcome.seat_ids });
    case 'not_active':
      return new AppError('HoldNotActive', `the hold is ${outcome.status}`, { status: outcome.status });
    case 'not_found':
    case 'not_due':
      return new AppError('HoldNotFound', `no ${what}`);
  }
}

export function createHoldService(model: HoldModel, sink: ChangeSink): HoldService & { expire(id: string): Promise<boolean> } {
  /** Runs one step against the store's bookkeeping, as seat.service does for a seat write. */
  async function step(showingId: number, run: () => Promise<HoldOutcome>, what: string): Promise<HoldRow> {
    const key = streamKey({ hall_id: 0, showing_id: showingId });
    sink.writeStarted(key);
    let outcome: HoldOutcome | undefined;
    try {
      outcome = await run();
      if (outcome.error !== undefined) throw refusal(outcome, what);
      return outcome.hold;
    } finally {
      sink.writeFinished(key, outcome && outcome.error === undefined ? outcome.change : null, []);
    }
  }

  async function owned(holdId: string, holder: Holder): Promise<HoldRow> {
    const row = await model.get(holdId);
    if (!row) throw new AppError('HoldNotFound', `no hold ${holdId}`);
    const mine = holder.kind === 'api_key' ? row.api_key_id === holder.id : row.user_id === holder.id;
    // Someone else's hold is as good as none to them: its id tells them nothing.
    if (!mine && !holder.admin) throw new AppError('HoldNotFound', `no hold ${holdId}`);
    return row;
  }

  return {
    async create(showingId, input, holder) {
      const row = await step(
        showingId,
        () =>
          model.hold({
            id: randomUUID(),
            showingId,
            seatIds: input.seat_ids,
            ttlSeconds: input.ttl_seconds,
            holder: holder.name,
            apiKeyId: holder.kind === 'api_key' ? holder.id : null,
            userId: holder.kind === 'user' ? holder.id : null,
          }),
        `showing ${showingId}`,
      );
      return holdView(row);
    },

    async confirm(holdId, holder) {
      const row = await owned(holdId, holder);
      return holdView(await step(row.showing_id, () => model.finish(holdId, 'confirm', holder.kind === 'user' ? holder.id : null), `hold ${holdId}`));
    },

    async release(holdId, holder) {
      const row = await owned(holdId, holder);
      return holdView(await step(row.showing_id, () => model.finish(holdId, 'release', holder.kind === 'user' ? holder.id : null), `hold ${holdId}`));
    },

    async get(holdId, holder) {
      return holdView(await owned(holdId, holder));
    },

    /** Expires one due hold; false when it was not due or no longer active (another instance, or a confirm, came first). */
    async expire(holdId: string): Promise<boolean> {
      const row = await model.get(holdId);
      if (!row) return false;
      try {
        await step(row.showing_id, () => model.finish(holdId, 'expire', null), `hold ${holdId}`);
        return true;
      } catch (error) {
        if (error instanceof AppError && (error.code === 'HoldNotActive' || error.code === 'HoldNotFound')) return false;
        throw error;
      }
    },
  };
}
