// Server error codes in words a person at the box office understands.
import { ProtocolError } from '../../client/protocol-client.js';
import type { ErrorCode } from '../../client/protocol-types.js';

const WORDS: Partial<Record<ErrorCode, string>> = {
  ValidationError: 'Some of the values are not valid.',
  Unauthorized: 'Please log in first.',
  Forbidden: 'Your account is not allowed to do this. Ask an administrator for the right role.',
  CinemaNotFound: 'That cinema no longer exists.',
  HallNotFound: 'That hall no longer exists.',
  SeatNotFound: 'One of the seats is not part of this hall; nothing was changed.',
  SeatTypeNotFound: 'That seat type no longer exists.',
  UserNotFound: 'There is no user with that name.',
  NameTaken: 'That name is already used. Choose another one.',
  HallHasOccupiedSeats: 'The hall still has occupied seats.',
  VersionConflict: 'Someone else changed this hall while you were choosing. Nothing was changed; the map now shows the current seats — check your selection and try again.',
  InvalidCode: 'That code is wrong or has expired. Wait for a new code in your authenticator app and try again.',
  TooManyLoginAttempts: 'Too many wrong codes.',
  RegistrationNotFound: 'The enrolment has expired. Start again with your username.',
  RegistrationPending: 'Someone else is enrolling this username right now. Try again in 10 minutes or choose another name.',
  InvalidLink: 'This link no longer works: it was used, replaced by a newer one, or has expired. Ask an administrator for a new one.',
  LastAdmin: 'This is the last administrator; make someone else an administrator first.',
  CinemaHasOccupiedSeats: 'A hall of this cinema still has occupied seats.',
  SeatTypeInUse: 'Seats still use this seat type.',
  TooManySubscriptions: 'This screen follows too many halls at once. Close some and try again.',
  UserExists: 'That username is taken. Choose another one.',
  WebhookNotFound: 'That webhook endpoint no longer exists.',
  WebhookUrlRefused: 'That address cannot receive webhooks.',
  ApiKeyNotFound: 'That API key no longer exists.',
  OriginNotAllowed: 'This page is not allowed to talk to the server from here.',
  RateLimitExceeded: 'Too many requests at once. Wait a moment and try again.',
  ServiceUnavailable: 'The server is restarting. Try again in a moment.',
  ConnectionLost: 'The connection dropped before the server answered. Check the map before trying again.',
  Timeout: 'The server did not answer in time. Check the map before trying again.',
  NetworkError: 'The server cannot be reached. Check the network and try again.',
  ShowingNotFound: 'That showing no longer exists.',
  ShowingOverlap: 'Another showing in this hall overlaps that time. Nothing was changed: pick other times, or move or cancel the other showing first.',
  ShowingStarted: 'That showing has already started, so its times can no longer change. It can still be renamed or cancelled.',
  ShowingEnded: 'That showing is over (or the times given are in the past); its seats can no longer change.',
  ShowingCancelled: 'That showing is cancelled; its seats and times can no longer change.',
};

export function errorInWords(error: unknown): string {
  if (!(error instanceof ProtocolError)) return 'Something went wrong. Try again.';
  let words = WORDS[error.code] ?? 'Something went wrong on the server. Try again.';
  if (error.code === 'TooManyLoginAttempts' && typeof error.data.retry_after === 'number') {
    words += ` Try again in ${Math.ceil(error.data.retry_after / 60)} minute(s).`;
  }
  // The server's own explanation of each invalid field is already in words.
  const issues = error.data.issues?.map((issue) => issue.message).join('; ');
  if (error.code === 'ValidationError' && issues) words += ` ${issues}.`;
  if (error.code === 'WebhookUrlRefused' && typeof error.data.reason === 'string') words += ` ${error.data.reason}.`;
  return words;
}
