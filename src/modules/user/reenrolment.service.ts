// Re-enrolment: a new authenticator for an existing user, after a lost or stolen phone.
// Two ways in: an admin issues a one-time link (staff console or `npm run user --
// reenrol-link`), or the user spends a recovery code. Either way the old TOTP secret is
// dead and every session ends (sockets included, on every instance) the moment it begins,
// so a stolen phone stops working at once; the link's holder then scans a new secret and
// proves it with a code, which spends the link, issues new recovery codes and signs them
// in. Every step is written to auth_audit (auth-audit.model.ts).
//
// An admin's link also drops the recovery codes (they may be lost with the phone); a
// recovery-code start keeps the unspent ones, so an interrupted re-enrolment can be
// started again. Nothing secret is ever logged.
import type { Config } from '../../core/config.js';
import { AppError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { authTime, type AuthClock } from './auth-clock.js';
import type { EnrolmentLinkModel } from './enrolment-link.model.js';
import {
  createLinkToken,
  hashLinkToken,
  RECOVERY_REENROL_TTL_SECONDS,
  REENROL_LINK_TTL_SECONDS,
  reenrolPath,
  reenrolSlot,
} from './enrolment-link.js';
import type { LoginAddressModel } from './login-address.model.js';
import { createLoginLimiter, loginLimitKeys } from './login-limiter.js';
import { createRecoveryCodes, hashRecoveryCode } from './recovery-codes.js';
import { openSecret, sealSecret } from '../../core/secret-box.js';
import { signSessionToken } from './session-token.js';
import { createTotpSecret, matchTotpStep, totpUri } from './totp.js';
import type { UserModel, UserRow } from './user.model.js';
import type { SignedIn } from './user.service.js';
import { qrDataUrl } from './qr-code.js';

export interface ReenrolmentDeps {
  model: UserModel;
  links: EnrolmentLinkModel;
  addresses: LoginAddressModel;
  config: Pick<Config, 'jwtSecret' | 'totpEncryptionKey' | 'sessionTtlSeconds' | 'login'>;
  logger: Logger;
  notifyUserChanged(userId: number): Promise<void>;
  clock?: AuthClock;
}

export interface IssuedLink {
  username: string;
  /** `/staff#reenrol=<token>`: the caller puts its own origin in front. */
  path: string;
  expires_at: Date;
}

export function createReenrolment(deps: ReenrolmentDeps) {
  const { model, links, logger } = deps;
  const limiter = createLoginLimiter(model, deps.config.login, deps.clock);
  const at = () => authTime(deps.clock);
  const totpKey = () => {
    if (!deps.config.totpEncryptionKey) throw new Error('resolveSecrets must run before re-enrolment is used');
    return deps.config.totpEncryptionKey;
  };

  /** Kills the old authenticator and sessions, stores a fresh link for the user. */
  async function begin(user: UserRow, options: { ttlSeconds: number; dropRecoveryCodes: boolean; action: 'reenrol_link_issued' | 'reenrol_started_with_recovery_code'; actor: string; ip?: string }) {
    const { token, hash } = createLinkToken();
    const revoked = await links.revokeAuthenticator(
      user.id,
      {
        // Sealed like any secret, known to nobody: the row stays well-formed, no code matches.
        unknownSecret: sealSecret(totpKey(), user.username, await createTotpSecret()),
        dropRecoveryCodes: options.dropRecoveryCodes,
        link: { slot: reenrolSlot(user.id), tokenHash: hash, userId: user.id, ttlSeconds: options.ttlSeconds },
        audit: { action: options.action, username: user.username, actor: options.actor, ip: options.ip },
      },
      at(),
    );
    if (!revoked) throw new AppError('UserNotFound', 'no user with this username');
    await deps.notifyUserChanged(user.id);
    logger.warn('re-enrolment begun: old authenticator and sessions revoked', { user: user.username, by: options.actor, how: options.action });
    return { token, expiresAt: revoked.expiresAt };
  }

  return {
    /** An admin's one-time link for `username`; any earlier link of theirs stops working. */
    async issueLink(username: string, by: string): Promise<IssuedLink> {
      const user = await model.findUserByUsername(username);
      if (!user) throw new AppError('UserNotFound', 'no user with this username');
      const { token, expiresAt } = await begin(user, { ttlSeconds: REENROL_LINK_TTL_SECONDS, dropRecoveryCodes: true, action: 'reenrol_link_issued', actor: by });
      return { username: user.username, path: reenrolPath(token), expires_at: expiresAt };
    },

    /** Spends a recovery code for a link token, limited like a login. */
    async startWithRecoveryCode(username: string, recoveryCode: string, ip: string): Promise<{ token: string }> {
      const user = await model.findUserByUsername(username);
      const known = user !== null && (await deps.addresses.isKnown(user.id, ip, at()));
      const attempt = await limiter.charge(loginLimitKeys(username, ip, known));
      if (!user) throw new AppError('UserNotFound', 'no user with this username');
      if (!(await model.spendRecoveryCode(user.id, hashRecoveryCode(recoveryCode)))) {
        logger.warn('re-enrolment recovery code refused', { user: username, ip });
        throw new AppError('InvalidCode', 'the recovery code is wrong or already used');
      }
      await attempt.settle();
      const { token } = await begin(user, { ttlSeconds: RECOVERY_REENROL_TTL_SECONDS, dropRecoveryCodes: false, action: 'reenrol_started_with_recovery_code', actor: username, ip });
      return { token };
    },

    /** A fresh secret for the link's holder to scan; calling again replaces it. */
    async scan(token: string): Promise<{ username: string; qr_url: string; qr: string }> {
      const hash = hashLinkToken(token);
      const link = await links.find(hash, at());
      const user = link?.user_id ? await model.findUserById(link.user_id) : null;
      if (!user) throw new AppError('InvalidLink', 'this link is unknown, used, replaced or expired');
      const secret = await createTotpSecret();
      if (!(await links.setSecret(hash, sealSecret(totpKey(), user.username, secret), at()))) {
        throw new AppError('InvalidLink', 'this link is unknown, used, replaced or expired');
      }
      const qrUrl = await totpUri(user.username, secret);
      return { username: user.username, qr_url: qrUrl, qr: await qrDataUrl(qrUrl) };
    },

    /** Proves the scanned secret with a code: the link is spent, the user signed in. */
    async finish(token: string, code: string, ip: string): Promise<SignedIn & { recoveryCodes: string[] }> {
      const hash = hashLinkToken(token);
      const link = await links.find(hash, at());
      const user = link?.user_id ? await model.findUserById(link.user_id) : null;
      if (!link?.totp_secret || !user) throw new AppError('InvalidLink', 'this link is unknown, used, replaced or expired, or its QR code was never shown');
      // Per link and address, like a registration: failing it does not lock the name.
      const attempt = await limiter.charge([`enrolment:${hash}`, `ip:${ip}`]);
      const step = await matchTotpStep(openSecret(totpKey(), user.username, link.totp_secret), code, 0);
      if (step === null) {
        logger.warn('re-enrolment code refused', { user: user.username, ip });
        throw new AppError('InvalidCode', 'the code does not match; check the app and the clock');
      }
      await attempt.settle();
      const recovery = createRecoveryCodes();
      const done = await links.completeReenrolment(
        { tokenHash: hash, sealedSecret: link.totp_secret, totpStep: step, recoveryHashes: recovery.hashes, audit: { action: 'reenrolled', username: user.username, actor: user.username, ip } },
        at(),
      );
      if (!done) throw new AppError('InvalidLink', 'this link was used, replaced or expired meanwhile');
      await deps.notifyUserChanged(done.id);
      await deps.addresses.remember(done.id, ip, at());
      logger.warn('re-enrolled with a new authenticator', { user: done.username, ip });
      const session = { userId: done.id, username: done.username, role: done.role, sessionVersion: done.session_version };
      const sessionToken = signSessionToken(deps.config.jwtSecret!, { userId: done.id, role: done.role, sessionVersion: done.session_version }, deps.config.sessionTtlSeconds);
      return { status: { status: 'user', username: done.username, role: done.role }, token: sessionToken, session, recoveryCodes: recovery.codes };
    },
  };
}

export type Reenrolment = ReturnType<typeof createReenrolment>;
