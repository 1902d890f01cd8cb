// What a bench writer sends a baseline server: the payload of one change. The baseline
// assigns the hall's next version (as our server does on commit), serialises the push
// once and broadcasts it, so all three targets give subscribers the same checkable
// stream: a snapshot with the current version, then one update per version.
export interface PublishRequest {
  eid: string;
  hall: number;
  seats: unknown[];
  seat_types: unknown[];
}

export interface PublishReply {
  eid: string;
  status: 'success';
  data: { id: number; version: number };
}

/** The subscriber URL parameter naming its hall; absent = an idle socket. */
export const HALL_PARAM = 'hall';
