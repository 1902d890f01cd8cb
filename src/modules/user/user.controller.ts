// Socket messages of the user module. Login itself is HTTP only (only HTTP can set an
// HttpOnly cookie); the socket reports who it belongs to and lets admins manage roles.
// The router checks `access` before a handler runs.
import { AppError } from '../../core/errors.js';
import { defineMessage, handleMessage, HandlerReply, type MessageHandler } from '../../core/protocol/handler.js';
import { noDataSchema, unsubscribedSchema } from '../../core/protocol/schemas.js';
import type { UserAdmin } from './user.admin.js';
import type { UserService } from './user.service.js';
import { USER_TOPIC, type UserSubscriptions } from './user.subscription.js';
import { setRoleData, unsubscribeData, userListSchema, userRoleSchema, userStatusSchema } from './user.types.js';

export const userMessages = {
  subscribe: defineMessage({
    type: 'user.subscribe',
    description: "This socket's user: reply `snapshot`, then an `update` push when it changes (logout, role change or revocation anywhere).",
    access: 'public',
    data: noDataSchema,
    reply: userStatusSchema,
    pushes: { update: userStatusSchema },
    errors: ['TooManySubscriptions'],
  }),
  unsubscribe: defineMessage({
    type: 'user.unsubscribe',
    description: 'Ends the user.subscribe subscription with eid `sub_eid`, or all of them on this socket.',
    access: 'public',
    data: unsubscribeData,
    reply: unsubscribedSchema,
    errors: ['NotSubscribed'],
  }),
  setRole: defineMessage({
    type: 'user.set_role',
    description: "Sets a user's role; their open sockets everywhere get it at once, their sessions stay valid.",
    access: 'admin',
    data: setRoleData,
    reply: userRoleSchema,
    errors: ['UserNotFound', 'LastAdmin'],
  }),
  list: defineMessage({
    type: 'user.list',
    description: 'Every user, for the admin page.',
    access: 'admin',
    data: noDataSchema,
    reply: userListSchema,
    errors: [],
  }),
} as const;

export interface UserHandlerDeps {
  service: UserService;
  admin: UserAdmin;
  subscriptions: UserSubscriptions;
}

export function createUserHandlers({ service, admin, subscriptions }: UserHandlerDeps): MessageHandler[] {
  const m = userMessages;
  return [
    handleMessage(m.subscribe, ({ connection, eid }) =>
      // Subscribed right after the snapshot is written, so no update can overtake it.
      new HandlerReply('snapshot', service.status(connection.session), () => subscriptions.subscribe(connection, eid)),
    ),
    handleMessage(m.unsubscribe, ({ connection }, data) => {
      const eid = data?.sub_eid;
      if (eid === undefined) {
        const unsubscribed = connection.removeTopic(USER_TOPIC);
        if (unsubscribed === 0) throw new AppError('NotSubscribed', 'this socket has no user subscription');
        return { unsubscribed };
      }
      if (connection.subscriptions.get(eid)?.topic !== USER_TOPIC) throw new AppError('NotSubscribed', 'no user subscription with this eid');
      connection.removeSubscription(eid);
      return { unsubscribed: 1 };
    }),
    handleMessage(m.setRole, ({ session }, data) => admin.setRole(data.username, data.role, session!.username)),
    handleMessage(m.list, async () => ({ users: await admin.listUsers() })),
  ];
}
