// Wrong-code limit per client address and per username (default 5 per 15 minutes),
// counted in the database so it holds across instances. Registration codes count per
// registration cookie and address instead: a stranger's wrong codes for a name must not
// lock that name's logins (and without the cookie they are never checked at all).
//
// Lockout must not be a weapon. The per-address limit does the blocking: an attacker
// only ever blocks their own addresses. The per-name limit is still needed (an attacker
// with many addresses would otherwise get 5 guesses per address), but it counts and
// blocks only attempts from addresses the user has not logged in from in the last
// KNOWN_ADDRESS_DAYS (login-address.model.ts). So an attacker failing codes from
// anywhere cannot keep the real user out of their usual address; from a new address
// the real user is blocked like the attacker until the window passes (or logs in from
// a known address). A guesser gets at most LOGIN_MAX_FAILURES tries per window from
// all new addresses together, plus that many per address the user really uses.
//
// Old rows are pruned off the request path (auth-pruning.ts): the window is measured
// from `since`, so rows that linger a while longer never change a count.
//
// Every code check is charged up front: a failure row per key is written *before* the
// code is looked at, then the earlier rows are counted. Checking first and writing
// after a wrong code would let a burst of parallel guesses all pass the check; charged
// first, the k-th concurrent attempt always sees at least k rows, so no more than the
// limit are ever checked per window. A right code takes its charge back; a refused
// (over the limit) attempt too, so hammering a locked name does not extend its lock.
//
// A successful login does not clear earlier failures of the name: otherwise each login
// of the real user would hand an attacker a fresh set of guesses at that account.
import type { Config } from '../../core/config.js';
import { AppError } from '../../core/errors.js';
import { authTime, type AuthClock } from './auth-clock.js';
import type { UserModel } from './user.model.js';

/** An attempt's charge: settle() takes it back after a right code. */
export interface LoginAttempt {
  settle(): Promise<void>;
}

export function createLoginLimiter(model: UserModel, limits: Config['login'], clock?: AuthClock) {
  const windowMs = limits.windowSeconds * 1000;

  return {
    /** Charges one attempt against each key; throws TooManyLoginAttempts when over. */
    async charge(keys: string[]): Promise<LoginAttempt> {
      const rows = await model.recordLoginFailures(keys, authTime(clock));
      const ids = rows.map((row) => row.id);
      // The clock the rows were stamped with (the database's): every instance measures the window the same way.
      const now = Math.max(...rows.map((row) => row.created_at.getTime()));
      const since = new Date(now - windowMs);

      let blockedUntil = 0;
      for (const key of keys) {
        const earlier = await model.recentLoginFailures(key, since, ids, limits.maxFailures);
        // Blocked while `maxFailures` earlier failures are in the window; free again once
        // the oldest of them leaves it.
        const oldest = earlier[limits.maxFailures - 1];
        if (oldest) blockedUntil = Math.max(blockedUntil, oldest.getTime() + windowMs);
      }
      if (blockedUntil > 0) {
        await model.deleteLoginFailures(ids);
        throw new AppError('TooManyLoginAttempts', 'too many wrong codes; wait before trying again', {
          retry_after: Math.max(1, Math.ceil((blockedUntil - now) / 1000)),
        });
      }
      return { settle: () => model.deleteLoginFailures(ids) };
    },
  };
}

export type LoginLimiter = ReturnType<typeof createLoginLimiter>;

/** `knownAddress`: the user logged in from `ip` lately, so the name's limit does not apply. */
export function loginLimitKeys(username: string, ip: string, knownAddress: boolean): string[] {
  return knownAddress ? [`ip:${ip}`] : [`user:${username}`, `ip:${ip}`];
}

/** The nonce's hash, not the nonce: the database never holds what the cookie carries. */
export function registrationLimitKeys(nonceHash: string, ip: string): string[] {
  return [`registration:${nonceHash}`, `ip:${ip}`];
}
