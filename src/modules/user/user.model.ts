// Database access for users, pending registrations and login failures. No rules here
// beyond what has to be atomic in one statement: those conditions live in the WHERE
// clause so they hold across server instances.
import { Prisma, type PrismaClient, type User } from '../../generated/prisma/client.js';
import type { Role } from '../../core/session.js';
import type { UserSummary } from './user.types.js';

export type UserRow = User;

export type RegistrationResult = { user: UserRow } | { failure: 'RegistrationNotFound' | 'UserExists' };

export interface NewUser {
  username: string;
  /** The pending registration's sealed secret: registration only completes if it is still that one. */
  sealedSecret: string;
  totpStep: number;
  recoveryHashes: string[];
}

export function createUserModel(prisma: PrismaClient) {
  return {
    findUserByUsername(username: string): Promise<UserRow | null> {
      return prisma.user.findUnique({ where: { username } });
    },

    findUserById(id: number): Promise<UserRow | null> {
      return prisma.user.findUnique({ where: { id } });
    },

    listUsers(): Promise<UserSummary[]> {
      return prisma.user.findMany({
        select: { username: true, role: true, created_at: true, last_login_at: true },
        orderBy: { username: 'asc' },
      });
    },

    /** Replaces any earlier registration for the name, and drops expired ones of everybody. */
    async savePendingRegistration(username: string, sealedSecret: string, expiresAt: Date): Promise<void> {
      await prisma.pendingRegistration.deleteMany({ where: { expires_at: { lte: new Date() } } });
      await prisma.pendingRegistration.upsert({
        where: { username },
        create: { username, totp_secret: sealedSecret, expires_at: expiresAt },
        update: { totp_secret: sealedSecret, expires_at: expiresAt, created_at: new Date() },
      });
    },

    findPendingRegistration(username: string): Promise<{ totp_secret: string } | null> {
      return prisma.pendingRegistration.findFirst({
        where: { username, expires_at: { gt: new Date() } },
        select: { totp_secret: true },
      });
    },

    async deletePendingRegistration(username: string): Promise<boolean> {
      const { count } = await prisma.pendingRegistration.deleteMany({ where: { username } });
      return count > 0;
    },

    /**
     * Consumes the pending registration and creates the user in one transaction: of two
     * concurrent finishes (or a finish racing a new auth_start), one wins.
     */
    async createUserFromRegistration(user: NewUser): Promise<RegistrationResult> {
      try {
        return await prisma.$transaction(async (tx) => {
          const { count } = await tx.pendingRegistration.deleteMany({
            where: { username: user.username, totp_secret: user.sealedSecret, expires_at: { gt: new Date() } },
          });
          if (count === 0) return { failure: 'RegistrationNotFound' } as const;
          const created = await tx.user.create({
            data: {
              username: user.username,
              totp_secret: user.sealedSecret,
              last_totp_step: user.totpStep,
              recovery_codes: user.recoveryHashes,
              last_login_at: new Date(),
            },
          });
          return { user: created };
        });
      } catch (error) {
        if (isUniqueViolation(error)) return { failure: 'UserExists' };
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

    async setRole(username: string, role: Role): Promise<UserRow | null> {
      const [user] = await prisma.user.updateManyAndReturn({ where: { username }, data: { role } });
      return user ?? null;
    },

    /** One failure row per key, stamped by the database clock (the one clock all instances share). */
    recordLoginFailures(keys: string[]): Promise<{ id: bigint; created_at: Date }[]> {
      return prisma.loginFailure.createManyAndReturn({
        data: keys.map((key) => ({ key })),
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

    async pruneLoginFailures(before: Date): Promise<void> {
      await prisma.loginFailure.deleteMany({ where: { created_at: { lt: before } } });
    },
  };
}

export type UserModel = ReturnType<typeof createUserModel>;

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
