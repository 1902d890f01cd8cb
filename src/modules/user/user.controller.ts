// Socket messages of the user module. Login itself is HTTP only (only HTTP can set an
// HttpOnly cookie); the socket reports who it belongs to and lets admins manage roles.
// The router checks `access` before handle() runs.
import { AppError } from '../../core/errors.js';
import { defineHandler, HandlerReply, type MessageHandler } from '../../core/protocol/handler.js';
import type { UserAdmin } from './user.admin.js';
import type { UserService } from './user.service.js';
import { USER_TOPIC, type UserSubscriptions } from './user.subscription.js';
import { listData, setRoleData, subscribeData, unsubscribeData } from './user.types.js';

export interface UserHandlerDeps {
  service: UserService;
  admin: UserAdmin;
  subscriptions: UserSubscriptions;
}

export function createUserHandlers({ service, admin, subscriptions }: UserHandlerDeps): MessageHandler[] {
  return [
    defineHandler({
      type: 'user.subscribe',
      description: "This socket's user; pushes `update` when it changes (a login over HTTP in this socket's browser, a logout, role change or revocation anywhere).",
      access: 'public',
      data: subscribeData,
      reply: "snapshot, then updates: {status: 'guest'} | {status: 'user', username, role}",
      errors: ['TooManySubscriptions'],
      handle: ({ connection, eid }) =>
        // Subscribed right after the snapshot is written, so no update can overtake it.
        new HandlerReply('snapshot', service.status(connection.session), () => subscriptions.subscribe(connection, eid)),
    }),
    defineHandler({
      type: 'user.unsubscribe',
      description: 'Ends the user.subscribe subscription with eid `sub_eid`, or all of them on this socket.',
      access: 'public',
      data: unsubscribeData,
      reply: 'null',
      errors: ['NotSubscribed'],
      handle: ({ connection }, data) => {
        const eid = data?.sub_eid;
        if (eid !== undefined) {
          if (connection.subscriptions.get(eid)?.topic !== USER_TOPIC) throw new AppError('NotSubscribed', 'no user subscription with this eid');
          connection.removeSubscription(eid);
        } else if (connection.removeTopic(USER_TOPIC) === 0) {
          throw new AppError('NotSubscribed', 'this socket has no user subscription');
        }
        return null;
      },
    }),
    defineHandler({
      type: 'user.set_role',
      description: "Sets a user's role; their open sockets everywhere get it at once, their sessions stay valid.",
      access: 'admin',
      data: setRoleData,
      reply: '{username, role}',
      errors: ['UserNotFound', 'LastAdmin'],
      handle: ({ session }, data) => admin.setRole(data.username, data.role, session!.username),
    }),
    defineHandler({
      type: 'user.list',
      description: 'Every user, for the admin page.',
      access: 'admin',
      data: listData,
      reply: '{users: [{username, role, created_at, last_login_at}]}',
      errors: [],
      handle: async () => ({ users: await admin.listUsers() }),
    }),
  ];
}
