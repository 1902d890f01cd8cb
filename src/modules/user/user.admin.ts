// Managing other users: roles, revocation, the list for the admin page. Needs no server
// secret, so the offline `npm run user` command uses it as the socket handlers do.
//
// A role change keeps the user's sessions: every instance updates the role of that
// user's open sockets in place, and each later upgrade or request reads the role from
// the row (never from the token), so a demotion is effective everywhere at once without
// logging anyone out. Revocation is the tool that ends sessions.
//
// The last admin cannot be demoted (LastAdmin): nobody could manage roles afterwards
// except from the server's command line.
import { AppError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Role } from '../../core/session.js';
import type { AuditEntry } from './auth-audit.model.js';
import type { UserModel } from './user.model.js';
import type { UserSummary } from './user.types.js';

export interface UserAdminDeps {
  model: UserModel;
  logger: Logger;
  notifyUserChanged(userId: number): Promise<void>;
  audit(entry: AuditEntry): Promise<void>;
}

export function createUserAdmin({ model, logger, notifyUserChanged, audit }: UserAdminDeps) {
  return {
    async setRole(username: string, role: Role, by: string): Promise<{ username: string; role: Role }> {
      const result = await model.setRole(username, role);
      if ('failure' in result) {
        throw result.failure === 'LastAdmin'
          ? new AppError('LastAdmin', 'this is the last admin; make another user admin first')
          : new AppError('UserNotFound', 'no user with this username');
      }
      const { user } = result;
      await notifyUserChanged(user.id);
      await audit({ action: 'role_changed', username: user.username, actor: by, detail: role });
      logger.info('role changed', { user: username, role, by });
      return { username: user.username, role: user.role };
    },

    /** Ends every session of the user, on every instance. */
    async revokeSessions(username: string, by: string): Promise<void> {
      const user = await model.bumpSessionVersion({ username });
      if (!user) throw new AppError('UserNotFound', 'no user with this username');
      await notifyUserChanged(user.id);
      await audit({ action: 'sessions_revoked', username: user.username, actor: by });
      logger.info('sessions revoked', { user: username, by });
    },

    listUsers(): Promise<UserSummary[]> {
      return model.listUsers();
    },
  };
}

export type UserAdmin = ReturnType<typeof createUserAdmin>;
