// The user module's public surface: HTTP routes for login, the session lookup for the
// WebSocket upgrade, the socket handlers, and role administration for the CLI.
import type { IncomingMessage } from 'node:http';
import type { Router } from 'express';
import { CHANNELS, type ChangeBus } from '../../core/bus/bus.js';
import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/logger.js';
import type { MessageHandler } from '../../core/protocol/handler.js';
import type { Session } from '../../core/session.js';
import type { Connection } from '../../core/ws/connection.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { AuthClock } from './auth-clock.js';
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
export { USER_HTTP_ENDPOINTS, type HttpEndpoint } from './user.http-reference.js';

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
  const admin = createUserAdmin({ model, logger, notifyUserChanged });
  const subscriptions = new UserSubscriptions({
    connections: deps.connections,
    loadAccount: (userId) => service.account(userId),
    publicRead: deps.config.publicRead,
    logger,
  });

  return {
    routes: createUserRoutes(service, deps.config.sessionTtlSeconds),
    async authenticate(request) {
      const session = await service.upgradeSession(readSessionCookie(request));
      if (session) subscriptions.remember(session.userId);
      return session;
    },
    handlers: createUserHandlers({ service, admin, subscriptions }),
    async start() {
      // Registered before the socket re-check, so the row is gone before that reads it.
      await deps.bus.listen(CHANNELS.userChanged, (payload) => recentUsers.forget(Number(payload)));
      deps.bus.onReconnect(() => recentUsers.clear());
      await subscriptions.start(deps.bus);
    },
  };
}

/**
 * Role administration without a running server (`npm run user`). `notifyUserChanged`
 * tells running servers, if any, to apply the change to open sockets.
 */
export function createUserAdminTools(deps: {
  prisma: PrismaClient;
  logger: Logger;
  notifyUserChanged(userId: number): Promise<void>;
}): UserAdmin {
  return createUserAdmin({ model: createUserModel(deps.prisma), logger: deps.logger, notifyUserChanged: deps.notifyUserChanged });
}

/** The handlers' metadata (type, schema, access, errors) for docs/protocol.md; never called. */
export function describeUserHandlers(): MessageHandler[] {
  return createUserHandlers({} as never);
}
