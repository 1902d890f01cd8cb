// Every error a client can see, by code. Services throw AppError; the transports map it
// to the wire once (socket reply or HTTP body). Anything else becomes InternalServerError
// with no detail, so a stack or SQL never leaks. docs/protocol.md is generated from this table.

export const ERROR_CODES = {
  ValidationError: { http: 400, description: 'The message or its `data` does not match the schema; `details` lists the fields.' },
  InvalidJson: { http: 400, description: 'The frame is not valid JSON.' },
  UnknownMessageType: { http: 400, description: 'No handler for this `type`.' },
  UnsupportedMediaType: { http: 415, description: 'HTTP only: the body is not JSON in UTF-8, or its Content-Encoding is not identity, gzip, deflate or br.' },
  MessageTooLarge: { http: 413, description: 'The frame exceeds the size limit (default 64 KiB); the connection is closed with 1009.' },
  BinaryNotSupported: { http: 400, description: 'Binary frames are not part of the protocol; text JSON only.' },
  RateLimitExceeded: { http: 429, description: 'More messages per second than allowed (default 50): every request over the limit gets this reply, under its own `type` and `eid`, with `details.retry_after_ms`; past twice the limit in one second the connection is closed with 4029. REST API: the API key spent its token bucket (API_KEY_RATE_PER_SECOND, API_KEY_BURST); the Retry-After header says when to try again.' },
  Unauthorized: { http: 401, description: 'This needs a logged-in session (or PUBLIC_READ is off). REST API: no `Authorization: Bearer` API key, or one that is unknown, wrong or revoked.' },
  Forbidden: { http: 403, description: "The session's role may not do this. REST API: the API key lacks the scope (`details.scope`), or the hold is not this key's." },
  CinemaNotFound: { http: 404, description: 'No cinema with this id.' },
  HallNotFound: { http: 404, description: 'No hall with this id.' },
  SeatNotFound: { http: 404, description: 'A seat id does not belong to the hall; nothing was changed.' },
  SeatTypeNotFound: { http: 404, description: 'No seat type with this id.' },
  ShowingNotFound: { http: 404, description: 'No showing with this id (in this hall, where a hall is named).' },
  ShowingCancelled: { http: 409, description: 'The showing is cancelled: its seats can no longer change, and it cannot be moved.' },
  ShowingEnded: { http: 409, description: 'The showing has ended (database clock): its seat map is history.' },
  ShowingStarted: { http: 409, description: 'The showing has started: it can no longer be moved (it can still be cancelled).' },
  ShowingOverlap: { http: 409, description: 'Another scheduled showing of the hall overlaps this time (`details.hall_id`); nothing was changed.' },
  SeatsUnavailable: { http: 409, description: 'Some seats of the request are not VACANT (held, sold or under maintenance); `details.seat_ids` names them. Nothing was changed.' },
  HoldNotFound: { http: 404, description: 'No hold with this id.' },
  HoldNotActive: { http: 409, description: 'The hold was already confirmed, released or expired (`details.status`); nothing was changed.' },
  UserNotFound: { http: 404, description: 'No user with this username.' },
  NameTaken: { http: 409, description: 'A cinema, hall, seat type or user with this name already exists.' },
  HallHasOccupiedSeats: { http: 409, description: 'The hall cannot be renamed or deleted while seats are OCCUPIED.' },
  CinemaHasOccupiedSeats: { http: 409, description: 'The cinema cannot be deleted while seats in its halls are OCCUPIED.' },
  SeatTypeInUse: { http: 409, description: 'The seat type is used by seats and cannot be deleted.' },
  VersionConflict: { http: 409, description: 'The seat map (the showing, or the hall) moved on since `expected_version`; `details.version` is the current version. Nothing was changed.' },
  TooManySubscriptions: { http: 429, description: 'The connection holds the most subscriptions allowed (WS_MAX_SUBSCRIPTIONS, default 100); unsubscribe first.' },
  NotSubscribed: { http: 404, description: 'No subscription matches the unsubscribe request.' },
  InvalidCode: { http: 401, description: 'The TOTP or recovery code is wrong, expired or already used.' },
  TooManyLoginAttempts: { http: 429, description: 'Too many wrong codes for this username, registration or address; `details.retry_after` is in seconds.' },
  RegistrationNotFound: { http: 404, description: 'No pending registration for this username from this browser (never started here, cancelled, or expired after 10 minutes).' },
  RegistrationPending: { http: 409, description: 'Another browser has a registration for this username in progress; it can be started again once that one expires (10 minutes after it began).' },
  UserExists: { http: 409, description: 'The username is already registered.' },
  InvalidLink: { http: 404, description: 'The one-time enrolment link (setup or re-enrolment) is unknown, already used, replaced by a newer one, or expired.' },
  LastAdmin: { http: 409, description: 'The last admin cannot be demoted; make another user admin first.' },
  WebhookNotFound: { http: 404, description: 'No webhook endpoint with this id.' },
  WebhookUrlRefused: { http: 400, description: 'The webhook URL is not http(s), has credentials, does not resolve, or resolves to a private, loopback or link-local address (allowed only with WEBHOOK_ALLOW_PRIVATE); `details.reason` says which.' },
  ApiKeyNotFound: { http: 404, description: 'No API key with this id.' },
  PreconditionFailed: { http: 412, description: 'REST API: the `If-Match` version is not the seat map\'s current one (`details.version`); nothing was changed.' },
  IdempotencyKeyReused: { http: 422, description: 'REST API: this `Idempotency-Key` was used by this API key for another request (another method, path or body); nothing was changed.' },
  IdempotencyInProgress: { http: 409, description: 'REST API: a request with this `Idempotency-Key` is still being processed; retry after the Retry-After header\'s seconds to get its result.' },
  OriginNotAllowed: { http: 403, description: 'The request Origin is not in ALLOWED_ORIGINS.' },
  NotFound: { http: 404, description: 'No HTTP route with this method and path.' },
  ServiceUnavailable: { http: 503, description: 'The database cannot be reached right now (or the server is starting or shutting down); nothing was changed. Retry after `details.retry_after` seconds (HTTP: the Retry-After header).' },
  InternalServerError: { http: 500, description: 'Something failed on the server; it is logged there with the request id.' },
} as const satisfies Record<string, { http: number; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message?: string,
    /** Extra fields for the client, e.g. `{ version }` on VersionConflict. Must be safe to show. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message ?? code);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** WebSocket close codes the server uses (4000-4999 is the application range, RFC 6455 7.4.2). */
export const CLOSE_CODES = {
  normal: { code: 1000, description: 'Normal close.' },
  goingAway: { code: 1001, description: 'The server is shutting down; reconnect and resume with `since_version`.' },
  unsupportedData: { code: 1003, description: 'Binary frames sent repeatedly.' },
  tooLarge: { code: 1009, description: 'A frame exceeded WS_MAX_PAYLOAD_BYTES.' },
  tryAgainLater: { code: 1013, description: 'Connection cap reached (total or per address); try again later.' },
  slowConsumer: { code: 4008, description: 'The client did not read fast enough (buffered data over WS_MAX_BUFFERED_BYTES); reconnect and resume with `since_version`.' },
  rateLimited: { code: 4029, description: 'The client sent more than twice WS_MESSAGES_PER_SECOND in one second.' },
  pingTimeout: { code: 4000, description: 'Two pings went unanswered (the server terminates such sockets; clients see 1006).' },
} as const;
