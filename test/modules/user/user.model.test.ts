// The guarantees that live in a single SQL statement, checked on the database directly:
// a request-level test cannot force two instances to read the same row before either
// writes, so here the stale read is simply taken as given.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
    const future = new Date(Date.now() + 60_000);
    await model.savePendingRegistration(username, `sealed-${username}`, future);
    const result = await model.createUserFromRegistration({ username, sealedSecret: `sealed-${username}`, totpStep, recoveryHashes: ['h1', 'h2'] });
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

  it('finishes a registration once, only with the secret it was started with, and only before it expires', async () => {
    await model.savePendingRegistration('reg_user', 'sealed-a', new Date(Date.now() + 60_000));
    const stale = await model.createUserFromRegistration({ username: 'reg_user', sealedSecret: 'sealed-old', totpStep: 1, recoveryHashes: [] });
    assert.deepEqual(stale, { failure: 'RegistrationNotFound' }, 'a newer auth_start replaced that secret');
    const both = await Promise.all([1, 2].map(() => model.createUserFromRegistration({ username: 'reg_user', sealedSecret: 'sealed-a', totpStep: 1, recoveryHashes: [] })));
    assert.equal(both.filter((r) => 'user' in r).length, 1);

    await model.savePendingRegistration('late_user', 'sealed-b', new Date(Date.now() - 1));
    assert.equal(await model.findPendingRegistration('late_user'), null);
    const late = await model.createUserFromRegistration({ username: 'late_user', sealedSecret: 'sealed-b', totpStep: 1, recoveryHashes: [] });
    assert.deepEqual(late, { failure: 'RegistrationNotFound' });

    await db.prisma.pendingRegistration.create({ data: { username: 'step_user', totp_secret: 'sealed-c', expires_at: new Date(Date.now() + 60_000) } });
    const taken = await model.createUserFromRegistration({ username: 'step_user', sealedSecret: 'sealed-c', totpStep: 1, recoveryHashes: [] });
    assert.deepEqual(taken, { failure: 'UserExists' });
  });

  it('bumps the session version by id or name', async () => {
    const user = await newUser('bump_user');
    assert.equal((await model.bumpSessionVersion({ id: user.id }))?.session_version, user.session_version + 1);
    assert.equal((await model.bumpSessionVersion({ username: 'bump_user' }))?.session_version, user.session_version + 2);
    assert.equal(await model.bumpSessionVersion({ username: 'nobody_here' }), null);
  });
});
