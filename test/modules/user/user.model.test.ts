// The guarantees that live in a single SQL statement, checked on the database directly:
// a request-level test cannot force two instances to read the same row before either
// writes, so here the stale read is simply taken as given.
import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import { createLogger } from '../../../src/core/logger.js';
import { openDatabase, type Database } from '../../../src/core/db/index.js';
import { createUserModel, type UserModel } from '../../../src/modules/user/user.model.js';
import { createTestDatabase } from '../../support/database.js';
import type { TestDatabaseHandle } from '../../support/server.js';

describe('user model', () => {
  let database: TestDatabaseHandle;
  let db: Database;
  let model: UserModel;

  before(async () => {
    database = await createTestDatabase();
    db = await openDatabase({ ...database, logger: createLogger({ log: { level: 'error', format: 'json' } }) });
    model = createUserModel(db.prisma);
  });
  after(async () => {
    await db?.close();
    await database?.drop();
  });

  async function newUser(username: string, totpStep = 100) {
    assert.ok(await model.savePendingRegistration(username, `sealed-${username}`, 'nonce-hash', 60));
    const result = await model.createUserFromRegistration({ username, sealedSecret: `sealed-${username}`, nonceHash: 'nonce-hash', totpStep, recoveryHashes: ['h1', 'h2'] });
    assert.ok('user' in result);
    return result.user;
  }

  it('claims a TOTP step once, and never an older one, even from stale reads', async () => {
    const user = await newUser('step_user');
    assert.equal(await model.claimTotpStep(user.id, 100, { login: true }), false, 'the registration step');
    assert.equal(await model.claimTotpStep(user.id, 101, { login: true }), true);
    assert.equal(await model.claimTotpStep(user.id, 101, { login: true }), false, 'a replay');
    assert.equal(await model.claimTotpStep(user.id, 99, { login: true }), false);
    const claims = await Promise.all(Array.from({ length: 8 }, () => model.claimTotpStep(user.id, 102, { login: true })));
    assert.equal(claims.filter(Boolean).length, 1, 'of simultaneous claims exactly one wins');
  });

  it('spends a recovery code once, even when spent simultaneously', async () => {
    const user = await newUser('spend_user');
    const spends = await Promise.all(Array.from({ length: 6 }, () => model.spendRecoveryCode(user.id, 'h1')));
    assert.equal(spends.filter(Boolean).length, 1);
    assert.equal(await model.spendRecoveryCode(user.id, 'h1'), false);
    assert.equal(await model.spendRecoveryCode(user.id, 'nope'), false);
    assert.deepEqual((await model.findUserById(user.id))?.recovery_codes, ['h2']);
  });

  it('finishes a registration once, only with the secret and nonce it was started with, and only before it expires', async () => {
    await model.savePendingRegistration('reg_user', 'sealed-a', 'nonce-a', 60);
    const stale = await model.createUserFromRegistration({ username: 'reg_user', sealedSecret: 'sealed-old', nonceHash: 'nonce-a', totpStep: 1, recoveryHashes: [] });
    assert.deepEqual(stale, { failure: 'RegistrationNotFound' }, 'a newer auth_start replaced that secret');
    const foreign = await model.createUserFromRegistration({ username: 'reg_user', sealedSecret: 'sealed-a', nonceHash: 'nonce-x', totpStep: 1, recoveryHashes: [] });
    assert.deepEqual(foreign, { failure: 'RegistrationNotFound' }, 'another browser');
    const both = await Promise.all(
      [1, 2].map(() => model.createUserFromRegistration({ username: 'reg_user', sealedSecret: 'sealed-a', nonceHash: 'nonce-a', totpStep: 1, recoveryHashes: [] })),
    );
    assert.equal(both.filter((r) => 'user' in r).length, 1);

    await model.savePendingRegistration('late_user', 'sealed-b', 'nonce-b', -1);
    assert.equal(await model.findPendingRegistration('late_user', 'nonce-b'), null);
    const late = await model.createUserFromRegistration({ username: 'late_user', sealedSecret: 'sealed-b', nonceHash: 'nonce-b', totpStep: 1, recoveryHashes: [] });
    assert.deepEqual(late, { failure: 'RegistrationNotFound' });

    await db.prisma.pendingRegistration.create({
      data: { username: 'step_user', totp_secret: 'sealed-c', nonce_hash: 'nonce-c', expires_at: new Date(Date.now() + 60_000) },
    });
    const taken = await model.createUserFromRegistration({ username: 'step_user', sealedSecret: 'sealed-c', nonceHash: 'nonce-c', totpStep: 1, recoveryHashes: [] });
    assert.deepEqual(taken, { failure: 'UserExists' });
  });

  it('keeps a pending registration for the browser that started it until it expires', async () => {
    assert.equal(await model.savePendingRegistration('held_name', 'sealed-1', 'nonce-1', 60), true);
    assert.equal(await model.savePendingRegistration('held_name', 'sealed-2', 'nonce-2', 60), false, 'another browser');
    assert.equal(await model.deletePendingRegistration('held_name', 'nonce-2'), false);
    assert.deepEqual(await model.findPendingRegistration('held_name', 'nonce-1'), { totp_secret: 'sealed-1' });
    assert.equal(await model.findPendingRegistration('held_name', 'nonce-2'), null);
    assert.equal(await model.savePendingRegistration('held_name', 'sealed-3', 'nonce-1', 60), true, 'the same browser restarts');
    assert.deepEqual(await model.findPendingRegistration('held_name', 'nonce-1'), { totp_secret: 'sealed-3' });
    // Of several browsers racing for a free name, exactly one gets it.
    const race = await Promise.all(['r1', 'r2', 'r3', 'r4'].map((nonce) => model.savePendingRegistration('raced_name', 'sealed', nonce, 60)));
    assert.equal(race.filter(Boolean).length, 1);

    await db.prisma.$executeRaw`UPDATE pending_registration SET expires_at = now() - interval '1 second' WHERE username = 'held_name'`;
    assert.equal(await model.savePendingRegistration('held_name', 'sealed-4', 'nonce-2', 60), true, 'free again once expired');
    assert.equal(await model.deletePendingRegistration('held_name', 'nonce-1'), false);
    assert.equal(await model.deletePendingRegistration('held_name', 'nonce-2'), true);
  });

  it('stamps and compares registration and failure times with the database clock, not the instance clock', async (t) => {
    // Embedded PGlite runs in this process and reads this process's clock: nothing to tell apart.
    if (database.databaseUrl === undefined) return t.skip('PGlite shares the clock of this process');
    // This instance's clock is an hour behind the database's.
    mock.timers.enable({ apis: ['Date'], now: Date.now() - 3600_000 });
    try {
      await model.savePendingRegistration('skewed_user', 'sealed', 'nonce', 600);
      assert.ok(await model.findPendingRegistration('skewed_user', 'nonce'), 'not expired by a skewed instance clock');
      await model.recordLoginFailures(['skewed'], null);
    } finally {
      mock.timers.reset();
    }
    const [{ now }] = (await db.prisma.$queryRaw<{ now: Date }[]>`SELECT now() AS now`) as [{ now: Date }];
    const pending = await db.prisma.pendingRegistration.findUniqueOrThrow({ where: { username: 'skewed_user' } });
    assert.ok(Math.abs(pending.created_at.getTime() - now.getTime()) < 60_000, `created_at ${pending.created_at.toISOString()} vs ${now.toISOString()}`);
    assert.equal(pending.expires_at.getTime() - pending.created_at.getTime(), 600_000);
    const failure = await db.prisma.loginFailure.findFirstOrThrow({ where: { key: 'skewed' } });
    assert.ok(Math.abs(failure.created_at.getTime() - now.getTime()) < 60_000, `created_at ${failure.created_at.toISOString()} vs ${now.toISOString()}`);
  });

  it('prunes failures that left the window and expired registrations, and nothing else', async () => {
    await model.recordLoginFailures(['prune:old', 'prune:new'], null);
    await db.prisma.$executeRaw`UPDATE login_failure SET created_at = now() - interval '20 minutes' WHERE key = 'prune:old'`;
    await model.savePendingRegistration('prune_old', 'sealed', 'nonce', -1);
    await model.savePendingRegistration('prune_new', 'sealed', 'nonce', 60);
    await model.pruneLoginFailures(15 * 60);
    await model.pruneExpiredRegistrations();
    assert.deepEqual((await db.prisma.loginFailure.findMany({ where: { key: { startsWith: 'prune:' } } })).map((row) => row.key), ['prune:new']);
    const left = await db.prisma.pendingRegistration.findMany({ where: { username: { startsWith: 'prune_' } } });
    assert.deepEqual(left.map((row) => row.username), ['prune_new']);
  });

  it('never demotes the last admin, even when two admins demote each other at once', async () => {
    const [ann, ben] = [await newUser('admin_ann'), await newUser('admin_ben')];
    await db.prisma.user.updateMany({ where: { role: 'admin' }, data: { role: 'viewer' } });
    assert.ok('user' in (await model.setRole(ann.username, 'admin')));
    assert.deepEqual(await model.setRole(ann.username, 'staff'), { failure: 'LastAdmin' });
    assert.deepEqual(await model.setRole('nobody_here', 'staff'), { failure: 'UserNotFound' });
    assert.ok('user' in (await model.setRole(ben.username, 'admin')));
    const both = await Promise.all([model.setRole(ann.username, 'viewer'), model.setRole(ben.username, 'viewer')]);
    assert.equal(both.filter((r) => 'user' in r).length, 1, JSON.stringify(both));
    assert.equal(await db.prisma.user.count({ where: { role: 'admin' } }), 1);
  });

  it('bumps the session version by id or name', async () => {
    const user = await newUser('bump_user');
    assert.equal((await model.bumpSessionVersion({ id: user.id }))?.session_version, user.session_version + 1);
    assert.equal((await model.bumpSessionVersion({ username: 'bump_user' }))?.session_version, user.session_version + 2);
    assert.equal(await model.bumpSessionVersion({ username: 'nobody_here' }), null);
  });
});
