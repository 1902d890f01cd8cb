// Seat status rules: batches are all-or-nothing, no-ops are not events, expected_version
// guards against overwriting a change the caller has not seen. Every committed change is
// handed to the hall state (this process) at once; other processes learn of it through
// the NOTIFY the statement sent.
import { isUniqueViolation } from '../../core/db/prisma-errors.js';
import { AppError } from '../../core/errors.js';
import type { Session } from '../../core/session.js';
import type { SeatModel } from './seat.model.js';
import { streamKey, type StreamKey } from './seat.stream.js';
import type { CommittedChange, HallHistoryInput, MarkSeatsInput, MarkSeatsReply, SeatTypeView } from './seat.types.js';

/** Where committed changes go in this process (the hall store). */
export interface ChangeSink {
  writeStarted(stream: StreamKey): void;
  /** `change` is null when nothing committed to the stream (error, no-op, conflict); `others` are the other streams the change moved. */
  writeFinished(stream: StreamKey, change: CommittedChange | null, others: CommittedChange[]): void;
}

export interface SeatServiceDeps {
  model: SeatModel;
  sink: ChangeSink;
  onCatalogChanged: (what: string) => Promise<void>;
  /** The hall's current showing (running, or next within the lead time), null for none: where a change naming no showing goes. */
  currentShowing(hallId: number): number | null;
}

export function createSeatService({ model, sink, onCatalogChanged, currentShowing }: SeatServiceDeps) {
  return {
    /** `actor.userId`: whose change the audit trail records; null for an API key's. */
    async markSeats(input: MarkSeatsInput, actor: Pick<Session, 'userId'> | { userId: null }): Promise<MarkSeatsReply> {
      const hallId = input.hall_id;
      const showingId = input.showing_id === undefined ? currentShowing(hallId) : input.showing_id;
      const key = streamKey({ hall_id: hallId, showing_id: showingId });
      sink.writeStarted(key);
      let change: CommittedChange | null = null;
      let others: CommittedChange[] = [];
      try {
        const result = await model.markSeats({ hallId, showingId, seats: input.seats, userId: actor.userId, expectedVersion: input.expected_version });
        others = result.others;
        if (!result.hallExists) throw new AppError('HallNotFound', `no hall ${hallId}`);
        if (result.showing === 'not_found') throw new AppError('ShowingNotFound', `hall ${hallId} has no showing ${showingId}`);
        if (result.showing === 'cancelled') throw new AppError('ShowingCancelled', `showing ${showingId} is cancelled`);
        if (result.showing === 'ended') throw new AppError('ShowingEnded', `showing ${showingId} has ended`);
        if (result.showing === 'held') {
          throw new AppError('SeatsUnavailable', `seats ${result.held.join(', ')} are held by a box office; nothing was changed`, { seat_ids: result.held });
        }
        if (result.found < input.seats.length) {
          throw new AppError('SeatNotFound', 'a seat does not belong to this hall; nothing was changed');
        }
        if (result.version === null) {
          // Nothing written: a no-op, or a conflict. `current` was read under the hall's lock.
          const current = result.current ?? 0;
          if (input.expected_version !== undefined && input.expected_version !== current) {
            throw new AppError('VersionConflict', `the seat map is at version ${current}`, { version: current });
          }
          return { id: hallId, showing_id: showingId, version: current, seats: [] };
        }
        change = { hall_id: hallId, showing_id: showingId, version: result.version, seats: result.seats };
        return { id: hallId, showing_id: showingId, version: change.version, seats: change.seats.map(({ id, status, updated_at }) => ({ id, status, updated_at })) };
      } finally {
        sink.writeFinished(key, change, others);
      }
    },

    async history(input: HallHistoryInput) {
      if (!(await model.hallExists(input.hall_id))) throw new AppError('HallNotFound', `no hall ${input.hall_id}`);
      const showingId = input.showing_id ?? null;
      if (showingId !== null && !(await model.showingExists(input.hall_id, showingId))) {
        throw new AppError('ShowingNotFound', `hall ${input.hall_id} has no showing ${showingId}`);
      }
      const events = await model.history(input.hall_id, showingId, input.limit, input.before_version);
      const oldest = events.at(-1)?.version;
      return {
        hall_id: input.hall_id,
        showing_id: showingId,
        events,
        // Pages end at a version boundary: a version's events never straddle two pages
        // unless one version alone exceeds the limit.
        next_before_version: events.length === input.limit && oldest !== undefined ? oldest : null,
      };
    },

    listSeatTypes: () => model.listSeatTypes(),

    async createSeatType(data: { name: string; color: string }): Promise<SeatTypeView> {
      const created = await uniqueName(() => model.createSeatType(data));
      await onCatalogChanged(`seat_type:${created.id}`);
      return created;
    },

    async updateSeatType(data: { id: number; name?: string; color?: string }): Promise<SeatTypeView> {
      const updated = await uniqueName(() => model.updateSeatType(data.id, { name: data.name, color: data.color }));
      if (!updated) throw new AppError('SeatTypeNotFound', `no seat type ${data.id}`);
      await onCatalogChanged(`seat_type:${updated.id}`);
      return updated;
    },
  };
}

async function uniqueName<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('NameTaken', 'that name is taken');
    }
    throw error;
  }
}

export type SeatService = ReturnType<typeof createSeatService>;
