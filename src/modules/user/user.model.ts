// Database access for users, pending registrations and login failures. No rules here
// beyond what has to be atomic in one statement (or one locking transaction): those
// conditions live in the WHERE clause so they hold across server instances. Every
// timestamp these rules compare is the database's now(), never an instance's clock.
import { isUniqueViolation } from '../../core/db/prisma-errors.js';
import type { Prisma, PrismaClient, User } from '../../generated/prisma/client.js';
import type { Role } from '../../core/session.js';
import { recordAudit } from './auth-audit.model.js';
import { SETUP_SLOT } from './enrolment-link.js';
import { KNOWN_ADDRESS_DAYS } from './login-address.model.js';
import type { UserSummary } from './user.types.js';

export type UserRow = User;

export type RegistrationResult = { user: UserRow } | { failure: 'RegistrationNotFound' | 'UserExists' | 'InvalidLink' };

export type SetRoleResult = { user: UserRow } | { failure: 'UserNotFound' | 'LastAdmin' };

export interface NewUser {
  username: string;
  /** The pending registration's sealed secret: registration only completes if it is still that one. */
  sealedSecret: string;
  /** SHA-256 of the registration cookie that started it. */
  nonceHash: string;
  totpStep: number;
  recoveryHashes: string[];
  /** The first admin's setup link (its token's hash): spent here, and the user is made admin. */
  setup?: { tokenHash: string; at: Date | null; ip: string };
}

export function createUserModel(prisma: PrismaClient) {
  return {
    findUserByUsername(username: string): Promise<UserRow | null> {
      return prisma.user.findUnique({ where: { username } });
    },

    findUserById(id: number): Promise<UserRow | null> {
      return prisma.user.findUnique({ where: { id } });
    },

    async listUsers(): Promise<UserSummary[]> {
      const rows = await prisma.user.findMany({
        select: { username: true, role: true, created_at: true, last_login_at: true },
        orderBy: { username: 'asc' },
      });
      return rows.map((row) => ({ ...row, created_at: row.created_at.toISOString(), last_login_at: row.last_login_at?.toISOString() ?? null }));
    },

    /**
     * Starts (or restarts) a registration for the name, expiring `ttlSeconds` from the
     * database's now. An unexpired registration of another browser (another nonce) is
     * left alone: false then. One statement, so two browsers racing for a name cannot
     * both win.
     */
    async savePendingRegistration(username: string, sealedSecret: string, nonceHash: string, ttlSeconds: number): Promise<boolean> {
      const count = await prisma.$executeRaw`
        INSERT INTO pending_registration (username, totp_secret, nonce_hash, expires_at)
        VALUES (${username}, ${sealedSecret}, ${nonceHash}, now() + ${ttlSeconds}::int * interval '1 second')
        ON CONFLICT (username) DO UPDATE
           SET totp_secret = EXCLUDED.totp_secret, nonce_hash = EXCLUDED.nonce_hash,
               expires_at = EXCLUDED.expires_at, created_at = now()
         WHERE pending_registration.expires_at <= now() OR pending_registration.nonce_hash = EXCLUDED.nonce_hash`;
      return count === 1;
    },

    async findPendingRegistration(username: string, nonceHash: string): Promise<{ totp_secret: string } | null> {
      const [row] = await prisma.$queryRaw<{ totp_secret: string }[]>`
        SELECT totp_secret FROM pending_registration
         WHERE username = ${username} AND nonce_hash = ${nonceHash} AND expires_at > now()`;
      return row ?? null;
    },

    /** Cancels the name's registration if this browser started it; true when one was there. */
    async deletePendingRegistration(username: string, nonceHash: string): Promise<boolean> {
      const count = await prisma.$executeRaw`
        DELETE FROM pending_registration WHERE username = ${username} AND nonce_hash = ${nonceHash} AND expires_at > now()`;
      return count > 0;
    },

    /**
     * Consumes the pending registration and creates the user in one transaction: of two
     * concurrent finishes (or a finish racing a new auth_start), one wins.
     */
    async createUserFromRegistration(user: NewUser): Promise<RegistrationResult> {
      try {
        return await prisma.$transaction(async (tx) => {
          const count = await tx.$executeRaw`
            DELETE FROM pending_registration
             WHERE username = ${user.username} AND totp_secret = ${user.sealedSecret}
               AND nonce_hash = ${user.nonceHash} AND expires_at > now()`;
          if (count === 0) return { failure: 'RegistrationNotFound' } as const;
          // Thrown, not returned: the pending registration's delete above must roll back.
          if (user.setup && !(await spendSetupLink(tx, user.setup.tokenHash, user.setup.at))) throw new SetupLinkRefused();
          const created = await tx.user.create({
            data: {
              username: user.username,
              totp_secret: user.sealedSecret,
              last_totp_step: user.totpStep,
              recovery_codes: user.recoveryHashes,
              last_login_at: new Date(),
              ...(user.setup ? { role: 'admin' as const } : {}),
            },
          });
          if (user.setup) await recordAudit(tx, { action: 'first_admin_enrolled', username: user.username, actor: user.username, ip: user.setup.ip }, user.setup.at);
          return { user: created };
        });
      } catch (error) {
        if (isUniqueViolation(error)) return { failure: 'UserExists' };
        if (error instanceof SetupLinkRefused) return { failure: 'InvalidLink' };
        throw error;
      }
    },

    /**
     * Claims a TOTP time step: succeeds only if it is newer than the last one accepted,
     * so of two requests with the same code (on any instances) exactly one gets it.
     */
    async claimTotpStep(userId: number, step: number, options: { login: boolean }): Promise<boolean> {
      const { count } = await prisma.user.updateMany({
        where: { id: userId, last_totp_step: { lt: step } },
        data: { last_totp_step: step, ...(options.login ? { last_login_at: new Date() } : {}) },
      });
      return count === 1;
    },

    /** Removes one recovery code if it is still there; true when this call spent it. */
    async spendRecoveryCode(userId: number, hash: string): Promise<boolean> {
      const count = await prisma.$executeRaw`
        UPDATE app_user
           SET recovery_codes = array_remove(recovery_codes, ${hash}), last_login_at = now()
         WHERE id = ${userId} AND ${hash} = ANY(recovery_codes)`;
      return count === 1;
    },

    async replaceRecoveryCodes(userId: number, hashes: string[]): Promise<void> {
      await prisma.user.update({ where: { id: userId }, data: { recovery_codes: hashes } });
    },

    /** Logout and revocation: every token carrying the old version is dead from now on. */
    async bumpSessionVersion(where: { id: number } | { username: string }): Promise<UserRow | null> {
      const [user] = await prisma.user.updateManyAndReturn({ where, data: { session_version: { increment: 1 } } });
      return user ?? null;
    },

    /**
     * Sets a role, refusing to demote the last admin. The admin rows are locked first: of
     * two admins demoting each other at once (on any instances), the second waits, then
     * finds only one admin left and is refused.
     */
    async setRole(username: string, role: Role): Promise<SetRoleResult> {
      return prisma.$transaction(async (tx) => {
        const admins = await tx.$queryRaw<{ username: string }[]>`
          SELECT username FROM app_user WHERE role = 'admin' FOR UPDATE`;
        if (role !== 'admin' && admins.length === 1 && admins[0]!.username === username) return { failure: 'LastAdmin' } as const;
        const [user] = await tx.user.updateManyAndReturn({ where: { username }, data: { role } });
        return user ? { user } : ({ failure: 'UserNotFound' } as const);
      });
    },

    /** One failure row per key, stamped by the database clock (the column's default, now()) or `at`. */
    recordLoginFailures(keys: string[], at: Date | null): Promise<{ id: bigint; created_at: Date }[]> {
      return prisma.loginFailure.createManyAndReturn({
        data: keys.map((key) => (at ? { key, created_at: at } : { key })),
        select: { id: true, created_at: true },
      });
    },

    /** Newest first, at most `limit`, after `since`, not counting `exclude`. */
    async recentLoginFailures(key: string, since: Date, exclude: bigint[], limit: number): Promise<Date[]> {
      const rows = await prisma.loginFailure.findMany({
        where: { key, created_at: { gt: since }, id: { notIn: exclude } },
        orderBy: { created_at: 'desc' },
        take: limit,
        select: { created_at: true },
      });
      return rows.map((row) => row.created_at);
    },

    async deleteLoginFailures(ids: bigint[]): Promise<void> {
      await prisma.loginFailure.deleteMany({ where: { id: { in: ids } } });
    },

    /** Drops failures that left the window; login_failure(created_at) keeps this an index range scan. */
    async pruneLoginFailures(windowSeconds: number): Promise<void> {
      await prisma.$executeRaw`DELETE FROM login_failure WHERE created_at < now() - ${windowSeconds}::int * interval '1 second'`;
    },

    /** Drops expired registrations; pending_registration(expires_at) keeps this an index range scan. */
    async pruneExpiredRegistrations(): Promise<void> {
      await prisma.$executeRaw`DELETE FROM pending_registration WHERE expires_at <= now()`;
    },

    /** Drops expired enrolment links, and addresses no longer known (login-address.model.ts). */
    async pruneExpiredLinksAndAddresses(): Promise<void> {
      await prisma.$executeRaw`DELETE FROM enrolment_token WHERE expires_at <= now()`;
      await prisma.$executeRaw`DELETE FROM login_address WHERE last_success_at < now() - ${KNOWN_ADDRESS_DAYS}::int * interval '1 day'`;
    },
  };
}

export type UserModel = ReturnType<typeof createUserModel>;

class SetupLinkRefused extends Error {}

/**
 * Spends the setup link, only while there is no admin: the admin rows are locked as in
 * setRole, so a setup racing a `set-role ... admin` sees the other's admin or wins.
 */
async function spendSetupLink(tx: Prisma.TransactionClient, tokenHash: string, at: Date | null): Promise<boolean> {
  const admins = await tx.$queryRaw<unknown[]>`SELECT 1 FROM app_user WHERE role = 'admin' FOR UPDATE`;
  if (admins.length > 0) return false;
  const count = await tx.$executeRaw`
    DELETE FROM enrolment_token
     WHERE slot = ${SETUP_SLOT} AND token_hash = ${tokenHash} AND expires_at > COALESCE(${at}::timestamptz, now())`;
  return count === 1;
}

