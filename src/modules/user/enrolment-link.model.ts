// Database access for one-time enrolment links (enrolment_token) and the account changes
// they make. One live link per slot (enrolment-link.ts); every expiry is compared with
// the database's now(), or the injected time `at` (auth-clock.ts).
import type { PrismaClient } from '../../generated/prisma/client.js';
import { recordAudit, type AuditEntry } from './auth-audit.model.js';
import type { UserRow } from './user.model.js';

export interface LinkRow {
  slot: string;
  user_id: number | null;
  totp_secret: string | null;
}

export interface NewLink {
  slot: string;
  tokenHash: string;
  userId: number | null;
  ttlSeconds: number;
}

export interface Reenrolment {
  tokenHash: string;
  /** The sealed secret the holder proved with a code: only that one completes. */
  sealedSecret: string;
  totpStep: number;
  recoveryHashes: string[];
  audit: AuditEntry;
}

/**
 * Stores a link in its slot. `replace`: over any earlier one (which stops working);
 * otherwise only into a free or expired slot. Returns the stored row's expiry, or nothing
 * when a live link was left in place.
 */
function upsertLink(db: Pick<PrismaClient, '$queryRaw'>, link: NewLink, at: Date | null, replace: boolean) {
  return db.$queryRaw<{ expires_at: Date }[]>`
    INSERT INTO enrolment_token (slot, token_hash, user_id, expires_at, created_at)
    VALUES (${link.slot}, ${link.tokenHash}, ${link.userId},
            COALESCE(${at}::timestamptz, now()) + ${link.ttlSeconds}::int * interval '1 second', COALESCE(${at}::timestamptz, now()))
    ON CONFLICT (slot) DO UPDATE
       SET token_hash = EXCLUDED.token_hash, user_id = EXCLUDED.user_id, totp_secret = NULL,
           expires_at = EXCLUDED.expires_at, created_at = EXCLUDED.created_at
     WHERE ${replace}::boolean OR enrolment_token.expires_at <= COALESCE(${at}::timestamptz, now())
    RETURNING expires_at`;
}

export function createEnrolmentLinkModel(prisma: PrismaClient) {
  return {
    /** Stores a link (see upsertLink): false when a live link was left in place. */
    async save(link: NewLink, at: Date | null, options: { replace: boolean }): Promise<boolean> {
      return (await upsertLink(prisma, link, at, options.replace)).length === 1;
    },

    /** The live link in a slot, if any: when it was made and until when it works. */
    async liveInSlot(slot: string, at: Date | null): Promise<{ created_at: Date; expires_at: Date } | null> {
      const [row] = await prisma.$queryRaw<{ created_at: Date; expires_at: Date }[]>`
        SELECT created_at, expires_at FROM enrolment_token WHERE slot = ${slot} AND expires_at > COALESCE(${at}::timestamptz, now())`;
      return row ?? null;
    },

    async deleteSlot(slot: string): Promise<void> {
      await prisma.enrolmentToken.deleteMany({ where: { slot } });
    },

    async find(tokenHash: string, at: Date | null): Promise<LinkRow | null> {
      const [row] = await prisma.$queryRaw<LinkRow[]>`
        SELECT slot, user_id, totp_secret FROM enrolment_token
         WHERE token_hash = ${tokenHash} AND expires_at > COALESCE(${at}::timestamptz, now())`;
      return row ?? null;
    },

    /** The secret the link's holder is about to scan; a restart replaces it. */
    async setSecret(tokenHash: string, sealedSecret: string, at: Date | null): Promise<boolean> {
      const count = await prisma.$executeRaw`
        UPDATE enrolment_token SET totp_secret = ${sealedSecret}
         WHERE token_hash = ${tokenHash} AND expires_at > COALESCE(${at}::timestamptz, now())`;
      return count === 1;
    },

    /**
     * The old authenticator stops working: its secret is replaced by `unknownSecret` (sealed,
     * never shown to anyone), every session ends, recovery codes are dropped when
     * `dropRecoveryCodes`; the link is stored and the change audited, all in one transaction.
     */
    async revokeAuthenticator(
      userId: number,
      change: { unknownSecret: string; dropRecoveryCodes: boolean; link: NewLink; audit: AuditEntry },
      at: Date | null,
    ): Promise<{ user: UserRow; expiresAt: Date } | null> {
      return prisma.$transaction(async (tx) => {
        const [user] = await tx.user.updateManyAndReturn({
          where: { id: userId },
          data: { totp_secret: change.unknownSecret, session_version: { increment: 1 }, ...(change.dropRecoveryCodes ? { recovery_codes: [] } : {}) },
        });
        if (!user) return null;
        const [saved] = await upsertLink(tx, change.link, at, true);
        await recordAudit(tx, change.audit, at);
        return { user, expiresAt: saved!.expires_at };
      });
    },

    /**
     * Spends the link and installs the new authenticator: new secret and step, new recovery
     * codes, every session ended. Null when the link was spent, replaced or expired meanwhile.
     */
    async completeReenrolment(change: Reenrolment, at: Date | null): Promise<UserRow | null> {
      return prisma.$transaction(async (tx) => {
        const [link] = await tx.$queryRaw<{ user_id: number | null }[]>`
          DELETE FROM enrolment_token
           WHERE token_hash = ${change.tokenHash} AND totp_secret = ${change.sealedSecret}
             AND user_id IS NOT NULL AND expires_at > COALESCE(${at}::timestamptz, now())
          RETURNING user_id`;
        if (!link?.user_id) return null;
        const user = await tx.user.update({
          where: { id: link.user_id },
          data: {
            totp_secret: change.sealedSecret,
            last_totp_step: change.totpStep,
            recovery_codes: change.recoveryHashes,
            session_version: { increment: 1 },
            last_login_at: new Date(),
          },
        });
        await recordAudit(tx, change.audit, at);
        return user;
      });
    },
  };
}

export type EnrolmentLinkModel = ReturnType<typeof createEnrolmentLinkModel>;
