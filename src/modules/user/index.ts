// The user module's public surface: HTTP routes for login and enrolment, the session
// lookup for the WebSocket upgrade, the socket handlers, and user administration for the
// CLI and the embedded server's admin socket.
import type { IncomingMessage } from 'node:http';
import { CHANNELS, type ChangeBus } from '../../core/bus/bus.js';
import type { Config } from '../../core/config.js';
import type { Route } from '../../core/http/route.js';
import type { Logger } from '../../core/logger.js';
import type { MessageHandler } from '../../core/protocol/handler.js';
import type { Session } from '../../core/session.js';
import { browserKeyOf } from '../../core/ws/browser-id.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { listAudit, recordAudit, type AuditEntry } from './auth-audit.model.js';
import type { AuthClock } from './auth-clock.js';
import { createEnrolmentLinkModel } from './enrolment-link.model.js';
import { createEnrolmentRoutes } from './enrolment.routes.js';
import { createFirstAdmin } from './first-admin.js';
import { createLoginAddressModel } from './login-address.model.js';
import { RecentUsers } from './recent-users.js';
import { createReenrolmentHandlers } from './reenrolment.controller.js';
import { createReenrolment } from './reenrolment.service.js';
import { readUpgradeSessionCookie } from './session-cookie.js';
import { createUserAdmin } from './user.admin.js';
import { createUserHandlers } from './user.controller.js';
import { createUserModel } from './user.model.js';
import { createUserRoutes, sessionStarter } from './user.routes.js';
import { createUserService } from './user.service.js';
import { UserSubscriptions, type UserConnections } from './user.subscription.js';

export { userMessages } from './user.controller.js';
export { reenrolmentMessages } from './reenrolment.controller.js';
export { roleSchema, usernameSchema, type UserStatus } from './user.types.js';
export { userRouteDescriptors } from './user.routes.js';
export { enrolmentRouteDescriptors } from './enrolment.routes.js';
export type { UserConnections } from './user.subscription.js';
export { askAdminSocket, serveAdminSocket } from './admin-socket.js';
export { recordAudit, type AuditEntry } from './auth-audit.model.js';
export { parseUserCommand, runUserCommand, USER_COMMAND_USAGE } from './user-commands.js';

export interface UserModuleDeps {
  prisma: PrismaClient;
  /** After resolveSecrets: jwtSecret and totpEncryptionKey are set. */
  config: Config;
  logger: Logger;
  bus: ChangeBus;
  connections: UserConnections;
  /** Tests only: stands in for the database's now() in windows and expiries (auth-clock.ts). */
  clock?: AuthClock;
}

export interface UserModule {
  /** POST /api/user/*. */
  routes: Route[];
  /**
   * Session cookie -> verified JWT -> user row with the same session_version; else null (a
   * guest). The row may be up to a second old (recent-users.ts); changes forget it at once.
   */
  authenticate(request: IncomingMessage): Promise<Session | null>;
  handlers: MessageHandler[];
  /** Listens for user changes from every instance. */
  start(): Promise<void>;
  /** Once listening: logs the first admin's setup link when there is no admin (first-admin.ts). */
  offerFirstAdminSetup(baseUrl: string): Promise<void>;
}

export function createUserModule(deps: UserModuleDeps): UserModule {
  const logger = deps.logger.child({ module: 'user' });
  const model = createUserModel(deps.prisma);
  const recentUsers = new RecentUsers((userId) => model.findUserById(userId));
  const notifyUserChanged = (userId: number): Promise<void> => {
    // Here at once; other instances (and this one again) when the notification arrives.
    recentUsers.forget(userId);
    // The change is committed already; a lost notification only delays other instances
    // until their bus reconnects and re-checks, so it must not fail the request.
    return deps.bus.notify(CHANNELS.userChanged, String(userId)).catch((error: unknown) => {
      logger.error('user change notification failed', { userId, error: error instanceof Error ? error.message : String(error) });
    });
  };
  const addresses = createLoginAddressModel(deps.prisma);
  const service = createUserService({ model, config: deps.config, logger, notifyUserChanged, recentUsers, addresses, clock: deps.clock });
  const audit = (entry: AuditEntry) => recordAudit(deps.prisma, entry, null);
  const admin = createUserAdmin({ model, logger, notifyUserChanged, audit });
  const links = createEnrolmentLinkModel(deps.prisma);
  const reenrolment = createReenrolment({ model, links, addresses, config: deps.config, logger, notifyUserChanged, clock: deps.clock });
  const firstAdmin = createFirstAdmin({ prisma: deps.prisma, links, logger, clock: deps.clock });
  const startSession = sessionStarter(deps.config.sessionTtlSeconds, (request, session) => {
    const browser = browserKeyOf(request, request.secure);
    if (browser === null) return;
    // Every instance (this one too) upgrades the sockets it holds for that browser.
    const payload = `${browser} ${session.userId} ${session.sessionVersion}`;
    deps.bus.notify(CHANNELS.browserSignedIn, payload).catch((error: unknown) => {
      logger.error('sign-in notification failed', { userId: session.userId, error: error instanceof Error ? error.message : String(error) });
    });
  });
  const subscriptions = new UserSubscriptions({
    connections: deps.connections,
    loadAccount: (userId) => service.account(userId),
    publicRead: deps.config.publicRead,
    logger,
  });

  return {
    routes: [...createUserRoutes(service, startSession), ...createEnrolmentRoutes(service, reenrolment, startSession)],
    async authenticate(request) {
      const session = await service.upgradeSession(readUpgradeSessionCookie(request));
      if (session) subscriptions.remember(session.userId);
      return session;
    },
    handlers: [...createUserHandlers({ service, admin, subscriptions }), ...createReenrolmentHandlers(reenrolment)],
    async start() {
      // Registered before the socket re-check, so the row is gone before that reads it.
      await deps.bus.listen(CHANNELS.userChanged, (payload) => recentUsers.forget(Number(payload)));
      deps.bus.onReconnect(() => recentUsers.clear());
      await subscriptions.start(deps.bus);
    },
    offerFirstAdminSetup: (baseUrl) => firstAdmin.offerAtStart(baseUrl),
  };
}

/**
 * User administration for `npm run user` (scripts/user.ts): roles, revocation,
 * re-enrolment and setup links, the audit trail. `notifyUserChanged` tells running
 * servers, if any, to apply a change to open sockets.
 */
export function createUserAdminTools(deps: {
  prisma: PrismaClient;
  /** After resolveSecrets: re-enrolment seals a secret. */
  config: Config;
  logger: Logger;
  notifyUserChanged(userId: number): Promise<void>;
}) {
  const model = createUserModel(deps.prisma);
  const links = createEnrolmentLinkModel(deps.prisma);
  const { logger, notifyUserChanged } = deps;
  const admin = createUserAdmin({ model, logger, notifyUserChanged, audit: (entry) => recordAudit(deps.prisma, entry, null) });
  const addresses = createLoginAddressModel(deps.prisma);
  const reenrolment = createReenrolment({ model, links, addresses, config: deps.config, logger, notifyUserChanged });
  const firstAdmin = createFirstAdmin({ prisma: deps.prisma, links, logger });
  return {
    setRole: admin.setRole,
    revokeSessions: admin.revokeSessions,
    issueReenrolLink: reenrolment.issueLink,
    replaceSetupLink: firstAdmin.replaceLink,
    audit: (limit: number) => listAudit(deps.prisma, limit),
  };
}

export type UserAdminTools = ReturnType<typeof createUserAdminTools>;
