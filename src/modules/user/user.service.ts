// The account rules: enrolment, login by TOTP or recovery code, recovery code renewal,
// sessions and logout. Knows no transport: it takes plain values, throws AppError and
// returns the token for the caller to put in a cookie.
//
// A pending registration belongs to the browser that started it: auth_start hands back a
// nonce for an HttpOnly cookie and keeps only its hash; register and auth_reset need the
// nonce, and another browser cannot restart the name until the registration expires. So
// a stranger can neither replace, cancel nor (by failing its codes) lock someone's
// enrolment, nor lock the name's later logins.
//
// Nothing secret (TOTP secret, code, recovery code, token) is ever passed to the logger.
import type { Config } from '../../core/config.js';
import { AppError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Role, Session } from '../../core/session.js';
import { authTime, type AuthClock } from './auth-clock.js';
import { createAuthPruning } from './auth-pruning.js';
import type { LoginAddressModel } from './login-address.model.js';
import { hashLinkToken } from './enrolment-link.js';
import { createLoginLimiter, loginLimitKeys, registrationLimitKeys } from './login-limiter.js';
import type { RecentUsers, SessionRow } from './recent-users.js';
import { createRecoveryCodes, hashRecoveryCode } from './recovery-codes.js';
import { createRegistrationNonce, hashRegistrationNonce } from './registration-nonce.js';
import { openSecret, sealSecret } from '../../core/secret-box.js';
import { signSessionToken, verifySessionToken } from './session-token.js';
import { createTotpSecret, matchTotpStep, totpUri } from './totp.js';
import type { UserModel, UserRow } from './user.model.js';
import { userStatus, type AuthStartReply, type UserStatus } from './user.types.js';
import { qrDataUrl } from './qr-code.js';

/** A pending registration can be finished (on any instance) for this long. */
export const REGISTRATION_TTL_SECONDS = 10 * 60;

export interface AuthStarted {
  reply: AuthStartReply;
  /** Set when a registration was started: the nonce for the registration cookie. */
  registrationNonce?: string;
}

export interface SignedIn {
  status: Extract<UserStatus, { status: 'user' }>;
  /** The session token, for the cookie only. */
  token: string;
  /** The session the token opens, for this browser's open sockets. */
  session: Session;
}

export interface UserServiceDeps {
  model: UserModel;
  config: Pick<Config, 'jwtSecret' | 'totpEncryptionKey' | 'sessionTtlSeconds' | 'login'>;
  logger: Logger;
  /** Tells every instance (after commit) that this user's sessions or role changed. */
  notifyUserChanged(userId: number): Promise<void>;
  /** User rows for socket upgrades, briefly cached; forgotten on every userChanged. */
  recentUsers: RecentUsers;
  addresses: LoginAddressModel;
  /** Tests only: stands in for the database's now() in the auth rules. */
  clock?: AuthClock;
}

export function createUserService(deps: UserServiceDeps) {
  const { model, config, logger } = deps;
  const { jwtSecret, totpKey } = requireSecrets(config);
  const limiter = createLoginLimiter(model, config.login, deps.clock);
  const { addresses } = deps;

  /** The limiter's keys for this name from this address (see login-limiter.ts). */
  async function limitKeys(user: UserRow | null, username: string, ip: string): Promise<string[]> {
    const known = user !== null && (await addresses.isKnown(user.id, ip, authTime(deps.clock)));
    return loginLimitKeys(username, ip, known);
  }
  const pruning = createAuthPruning({ model, windowSeconds: config.login.windowSeconds, logger });

  function signIn(user: UserRow): SignedIn {
    const token = signSessionToken(jwtSecret, { userId: user.id, role: user.role, sessionVersion: user.session_version }, config.sessionTtlSeconds);
    const session: Session = { userId: user.id, username: user.username, role: user.role, sessionVersion: user.session_version };
    return { status: { status: 'user', username: user.username, role: user.role }, token, session };
  }

  async function sessionOf(token: string | null, readUser: (userId: number) => Promise<SessionRow | null>): Promise<Session | null> {
    const claims = token === null ? null : verifySessionToken(jwtSecret, token);
    if (!claims) return null;
    const user = await readUser(claims.userId);
    if (!user || user.session_version !== claims.sessionVersion) return null;
    // The role comes from the row, not the token: a demotion applies at once.
    return { userId: user.id, username: user.username, role: user.role, sessionVersion: user.session_version };
  }

  /** Checks a TOTP code against the user's secret and claims its step; false when wrong or replayed. */
  async function acceptTotp(user: UserRow, code: string, login: boolean): Promise<boolean> {
    const secret = openSecret(totpKey, user.username, user.totp_secret);
    const step = await matchTotpStep(secret, code, user.last_totp_step);
    // The database has the last word: another instance may have taken this step just now.
    return step !== null && (await model.claimTotpStep(user.id, step, { login }));
  }

  return {
    /**
     * `nonce` is the browser's registration cookie, if it has one: the same browser keeps
     * its nonce (and may restart its own registration), a new one gets a fresh nonce.
     */
    async authStart(username: string, nonce: string | null, ip: string): Promise<AuthStarted> {
      await pruning.pruneIfDue();
      if (await model.findUserByUsername(username)) return { reply: { status: 'user', username } };
      const registrationNonce = nonce ?? createRegistrationNonce();
      // Always a fresh secret: handing back an earlier pending one would show it to whoever asks.
      const secret = await createTotpSecret();
      const sealed = sealSecret(totpKey, username, secret);
      if (!(await model.savePendingRegistration(username, sealed, hashRegistrationNonce(registrationNonce), REGISTRATION_TTL_SECONDS))) {
        logger.warn('registration start refused: another browser is registering this name', { user: username, ip });
        throw new AppError('RegistrationPending', 'another registration for this username is in progress; try again later or choose another name');
      }
      logger.info('registration started', { user: username });
      const qrUrl = await totpUri(username, secret);
      return { reply: { status: 'candidate', username, qr_url: qrUrl, qr: await qrDataUrl(qrUrl) }, registrationNonce };
    },

    /** `setupToken`: the first admin's setup link (first-admin.ts); the new user is then admin. */
    async register(username: string, code: string, ip: string, nonce: string | null, setupToken?: string): Promise<SignedIn & { recoveryCodes: string[] }> {
      if (await model.findUserByUsername(username)) throw new AppError('UserExists', 'this username is already registered');
      const nonceHash = nonce === null ? null : hashRegistrationNonce(nonce);
      const pending = nonceHash && (await model.findPendingRegistration(username, nonceHash));
      if (!nonceHash || !pending) throw new AppError('RegistrationNotFound', 'no pending registration for this username from this browser; start again');
      // Not the name's key: failing someone's registration must not lock their later logins.
      const attempt = await limiter.charge(registrationLimitKeys(nonceHash, ip));
      const step = await matchTotpStep(openSecret(totpKey, username, pending.totp_secret), code, 0);
      if (step === null) {
        logger.warn('registration code refused', { user: username, ip });
        throw new AppError('InvalidCode', 'the code does not match; check the app and the clock');
      }
      await attempt.settle();
      const recovery = createRecoveryCodes();
      const result = await model.createUserFromRegistration({
        username,
        sealedSecret: pending.totp_secret,
        nonceHash,
        totpStep: step,
        recoveryHashes: recovery.hashes,
        ...(setupToken === undefined ? {} : { setup: { tokenHash: hashLinkToken(setupToken), at: authTime(deps.clock), ip } }),
      });
      if ('failure' in result) {
        throw result.failure === 'InvalidLink'
          ? new AppError('InvalidLink', 'this setup link is used, replaced or expired, or an admin exists already')
          : new AppError(result.failure);
      }
      await addresses.remember(result.user.id, ip, authTime(deps.clock));
      logger.info('user registered', { user: username });
      return { ...signIn(result.user), recoveryCodes: recovery.codes };
    },

    async login(username: string, code: string, ip: string): Promise<SignedIn> {
      await pruning.pruneIfDue();
      const user = await model.findUserByUsername(username);
      const attempt = await limiter.charge(await limitKeys(user, username, ip));
      if (!user) throw new AppError('UserNotFound', 'no user with this username');
      const method = /^\d{6}$/.test(code) ? 'totp' : 'recovery code';
      const accepted = method === 'totp' ? await acceptTotp(user, code, true) : await model.spendRecoveryCode(user.id, hashRecoveryCode(code));
      if (!accepted) {
        logger.warn('login refused', { user: username, ip, method });
        throw new AppError('InvalidCode', 'the code is wrong, expired or already used');
      }
      await attempt.settle();
      await addresses.remember(user.id, ip, authTime(deps.clock));
      // A recovery code in use may mean a lost phone, or a stolen code: worth a look.
      if (method === 'recovery code') logger.warn('logged in with a recovery code', { user: username, ip });
      else logger.info('logged in', { user: username, method });
      return signIn(user);
    },

    /** Cancels the pending registration this browser started. */
    async authReset(username: string, nonce: string | null): Promise<void> {
      if (nonce === null || !(await model.deletePendingRegistration(username, hashRegistrationNonce(nonce)))) {
        throw new AppError('RegistrationNotFound', 'no pending registration for this username from this browser');
      }
      logger.info('registration cancelled', { user: username });
    },

    /** The live session behind a token, or null: bad, expired or revoked tokens all end here. */
    sessionFromToken(token: string | null): Promise<Session | null> {
      return sessionOf(token, model.findUserById);
    },

    /** The same for a socket upgrade, with the user row read through `deps.recentUsers`. */
    upgradeSession(token: string | null): Promise<Session | null> {
      return sessionOf(token, (userId) => deps.recentUsers.get(userId));
    },

    /** The user's current role and session version, for live checks of open sockets. */
    async account(userId: number): Promise<{ username: string; role: Role; sessionVersion: number } | null> {
      const user = await model.findUserById(userId);
      return user && { username: user.username, role: user.role, sessionVersion: user.session_version };
    },

    /** Kills this session's token and every other one of the user, on every instance. */
    async logout(session: Session): Promise<void> {
      await model.bumpSessionVersion({ id: session.userId });
      await deps.notifyUserChanged(session.userId);
      logger.info('logged out', { user: session.username });
    },

    /** New recovery codes (the old ones stop working), against a fresh TOTP code. */
    async renewRecoveryCodes(session: Session, code: string, ip: string): Promise<string[]> {
      const user = await model.findUserById(session.userId);
      const attempt = await limiter.charge(await limitKeys(user, session.username, ip));
      if (!user) throw new AppError('Unauthorized', 'log in first');
      if (!(await acceptTotp(user, code, false))) {
        logger.warn('recovery code renewal refused', { user: session.username, ip });
        throw new AppError('InvalidCode', 'the code is wrong, expired or already used');
      }
      await attempt.settle();
      const recovery = createRecoveryCodes();
      await model.replaceRecoveryCodes(user.id, recovery.hashes);
      logger.info('recovery codes renewed', { user: session.username });
      return recovery.codes;
    },

    status(session: Session | null): UserStatus {
      return session ? userStatus(session) : { status: 'guest' };
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;

function requireSecrets(config: UserServiceDeps['config']): { jwtSecret: string; totpKey: Buffer } {
  if (config.jwtSecret === undefined || config.totpEncryptionKey === undefined) {
    throw new Error('resolveSecrets must run before the user module is created');
  }
  return { jwtSecret: config.jwtSecret, totpKey: config.totpEncryptionKey };
}
