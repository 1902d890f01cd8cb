// The time the auth rules compare against. Production passes no clock: every timestamp is
// the database's now(), the one clock all instances share. Tests inject one to move
// through windows and expiries without waiting; then every stamp and comparison uses it.
export type AuthClock = () => Date;

/** The timestamp to send with a query: the injected time, or null for the database's now(). */
export function authTime(clock: AuthClock | undefined): Date | null {
  return clock ? clock() : null;
}
