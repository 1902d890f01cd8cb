// The brief cache of user rows behind socket upgrades: one read per burst, never older
// than the TTL, and gone the moment a change is announced.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentUsers, type SessionRow } from '../../../src/modules/user/recent-users.js';

function harness() {
  let clock = 0;
  const rows = new Map<number, SessionRow>([[1, { id: 1, username: 'ann', role: 'staff', session_version: 0 }]]);
  const reads: number[] = [];
  const pending: (() => void)[] = [];
  const users = new RecentUsers(
    (userId) => {
      reads.push(userId);
      // Resolved when the test says so, so reads can be caught in flight.
      const row = rows.get(userId) ?? null;
      return new Promise((resolve) => pending.push(() => resolve(row && { ...row, totp_secret: 'sealed' } as SessionRow)));
    },
    1_000,
    () => clock,
  );
  const settle = () => pending.splice(0).forEach((resolve) => resolve());
  return { users, rows, reads, settle, tick: (ms: number) => (clock += ms) };
}

describe('recent users', () => {
  it('shares one read between concurrent lookups and keeps only the session fields', async () => {
    const { users, reads, settle } = harness();
    const lookups = Array.from({ length: 50 }, () => users.get(1));
    settle();
    const rows = await Promise.all(lookups);
    assert.deepEqual(reads, [1]);
    assert.deepEqual(rows[0], { id: 1, username: 'ann', role: 'staff', session_version: 0 });
  });

  it('reads again once the row is a TTL old', async () => {
    const { users, reads, settle, tick } = harness();
    const first = users.get(1);
    settle();
    await first;
    tick(999);
    await users.get(1);
    assert.equal(reads.length, 1);
    tick(1);
    const again = users.get(1);
    settle();
    await again;
    assert.equal(reads.length, 2);
  });

  it('after forget, the next lookup reads the new row, and a read in flight is not put back', async () => {
    const { users, rows, reads, settle } = harness();
    const stale = users.get(1);
    rows.set(1, { id: 1, username: 'ann', role: 'staff', session_version: 1 }); // logout committed
    users.forget(1);
    const fresh = users.get(1);
    settle();
    assert.equal((await stale)?.session_version, 0);
    assert.equal((await fresh)?.session_version, 1);
    assert.equal((await users.get(1))?.session_version, 1);
    assert.equal(reads.length, 2);
  });

  it('does not remember a failed read', async () => {
    let fail = true;
    const users = new RecentUsers(async (id) => {
      if (fail) throw new Error('database down');
      return { id, username: 'bob', role: 'viewer', session_version: 0 };
    });
    await assert.rejects(users.get(2), /database down/);
    fail = false;
    assert.equal((await users.get(2))?.username, 'bob');
  });
});
