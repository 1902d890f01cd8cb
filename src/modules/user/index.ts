// The user module's public surface: HTTP routes for login, the session lookup for the
// WebSocket upgrade, the socket handlers, and role administration for the CLI.
import type { IncomingMessage } from 'node:http';
import { CHANNELS, type ChangeBus } from '../../core/bus/bus.js';
import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/logger.js';
import type { MessageHandler } from '../../core/protocol/handler.js';
import type { Session } from '../../core/session.js';
import type { Connection } from '../../core/ws/connection.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { Router } from 'express';
import { listAudit, recordAudit, type AuditEntry } from './auth-audit.model.js';
import type { AuthClock } from './auth-clock.js';
import { createEnrolmentLinkModel } from './enrolment-link.model.js';
import { ENROLMENT_HTTP_ENDPOINTS } from './enrolment.http-reference.js';
import { createEnrolmentRoutes } from './enrolment.routes.js';
import { USER_HTTP_ENDPOINTS as LOGIN_HTTP_ENDPOINTS } from './user.http-reference.js';
import { createFirstAdmin } from './first-admin.js';
import { createReenrolment } from './reenrolment.service.js';
import { createReenrolmentHandlers } from './reenrolment.controller.js';
import { createLoginAddressModel } from './login-address.model.js';
import { RecentUsers } from './recent-users.js';
import { readSessionCookie } from './session-cookie.js';
import { createUserAdmin, type UserAdmin } from './user.admin.js';
import { createUserHandlers } from './user.controller.js';
import { createUserModel } from './user.model.js';
import { createUserRoutes } from './user.routes.js';
import { createUserService } from './user.service.js';
import { UserSubscriptions } from './user.subscription.js';

export { roleSchema, usernameSchema } from './user.types.js';
export type { UserAdmin } from './user.admin.js';
export { linkTokenSchema } from './enrolment.types.js';
export type { HttpEndpoint } from './user.http-reference.js';
/** Every HTTP endpoint of the module, for docs/protocol.md. */
export const USER_HTTP_ENDPOINTS = [...LOGIN_HTTP_ENDPOINTS, ...ENROLMENT_HTTP_ENDPOINTS];

export interface UserModuleDeps {
  prisma: PrismaClient;
  /** After resolveSecrets: jwtSecret and totpEncryptionKey are set. */
  config: Config;
  logger: Logger;
  bus: ChangeBus;
  connections: { connectionsOf(userId: number): Connection[] };
  /** Tests only: stands in for the database's now() in windows and expiries (auth-clock.ts). */
  clock?: AuthClock;
}

export interface UserModule {
  /** Mounted at /api/user. */
  routes: Router;
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
  const subscriptions = new UserSubscriptions({
    connections: deps.connections,
    loadAccount: (userId) => service.account(userId),
    publicRead: deps.config.publicRead,
    logger,
  });

  return {
    routes: Router()
      .use(createUserRoutes(service, deps.config.sessionTtlSeconds))
      .use(createEnrolmentRoutes(service, reenrolment, deps.config.sessionTtlSeconds)),
    async authenticate(request) {
      const session = await service.upgradeSession(readSessionCookie(request));
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

/** The handlers' metadata (type, schema, access, errors) for docs/protocol.md; never called. */
export function describeUserHandlers(): MessageHandler[] {
  return createUserHandlers({} as never);
}
