// The user rows that socket upgrades check sessions against, kept for a second.
// Upgrades of one user come in bursts (a page opening its sockets, a display wall
// reconnecting after a restart, the bench's thousands of sockets on one cookie), and a
// read through Prisma per upgrade was most of an upgrade's CPU and garbage (issue 8,
// scenario 3: RSS per connection 2.95x raw ws with the cookie, 1.44x without).
// Concurrent lookups of one user share one read.
//
// Revocation is unchanged: whoever bumps session_version or changes a role notifies
// userChanged after the commit, and every instance forgets the row when it hears it
// (this one before it even sends), before the open sockets are re-checked; a socket
// accepted from the old row is open by then, so that re-check downgrades it too. A lost
// notification (bus down) is bounded by the second, and a reconnect forgets everything.
import type { Role } from '../../core/session.js';

export interface SessionRow {
  id: number;
  username: string;
  role: Role;
  session_version: number;
}

interface Entry {
  readAt: number;
  row: Promise<SessionRow | null>;
}

const RECENT_USER_TTL_MS = 1_000;

export class RecentUsers {
  private readonly entries = new Map<number, Entry>();
  private lastSweep = 0;

  constructor(
    private readonly read: (userId: number) => Promise<SessionRow | null>,
    private readonly ttlMs = RECENT_USER_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get(userId: number): Promise<SessionRow | null> {
    const now = this.now();
    const cached = this.entries.get(userId);
    if (cached && now - cached.readAt < this.ttlMs) return cached.row;
    this.sweep(now);
    const entry: Entry = { readAt: now, row: this.read(userId).then(pick) };
    this.entries.set(userId, entry);
    // A failed read is not remembered; callers that shared it see the error.
    entry.row.catch(() => {
      if (this.entries.get(userId) === entry) this.entries.delete(userId);
    });
    return entry.row;
  }

  /** After a change to the user's sessions or role; a read in flight is not put back. */
  forget(userId: number): void {
    this.entries.delete(userId);
  }

  clear(): void {
    this.entries.clear();
  }

  /** At most once per TTL, so the map holds about one TTL's worth of users. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.ttlMs) return;
    this.lastSweep = now;
    for (const [userId, entry] of this.entries) if (now - entry.readAt >= this.ttlMs) this.entries.delete(userId);
  }
}

/** Only what a session needs: the row also holds the sealed TOTP secret. */
function pick(row: SessionRow | null): SessionRow | null {
  return row && { id: row.id, username: row.username, role: row.role, session_version: row.session_version };
}
