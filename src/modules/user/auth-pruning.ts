// Deletes login failures that left the window, expired pending registrations and
// enrolment links, and login addresses no longer known. None affects a decision (every
// query filters by time), so this runs at most once a minute per process, on whichever
// request comes along, instead of on every request. The failure and registration deletes
// are index range scans (login_failure(created_at), pending_registration(expires_at)); the
// link and address tables hold a row per user, or per user and address, at most.
import type { Logger } from '../../core/logger.js';
import type { UserModel } from './user.model.js';

const PRUNE_INTERVAL_MS = 60_000;

export function createAuthPruning(deps: { model: UserModel; windowSeconds: number; logger: Logger; intervalMs?: number }) {
  const intervalMs = deps.intervalMs ?? PRUNE_INTERVAL_MS;
  let nextAt = 0;

  return {
    /** Prunes when the interval has passed since the last run; never fails the request. */
    async pruneIfDue(): Promise<void> {
      const now = Date.now();
      if (now < nextAt) return;
      nextAt = now + intervalMs;
      try {
        await deps.model.pruneLoginFailures(deps.windowSeconds);
        await deps.model.pruneExpiredRegistrations();
        await deps.model.pruneExpiredLinksAndAddresses();
      } catch (error) {
        deps.logger.error('pruning login failures and registrations failed', { error: error instanceof Error ? error.message : String(error) });
      }
    },
  };
}
