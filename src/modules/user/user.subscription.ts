// Live session changes on every instance. Whoever logs a user out, changes their role
// or revokes their sessions notifies CHANNELS.userChanged with the user id after the
// commit; each instance then reads that user once and fixes its own open sockets of
// that user: a stale session version makes the socket a guest, a new role is applied in
// place, and the socket's user.subscribe subscriptions get the new status.
// A login or registration over HTTP notifies CHANNELS.browserSignedIn with that browser's
// key (core/ws/browser-id.ts): each instance gives the sockets of that browser the new
// session in place and pushes the status, so a page need not reconnect after logging in.
import { CHANNELS, type ChangeBus } from '../../core/bus/bus.js';
import type { Logger } from '../../core/logger.js';
import type { Role } from '../../core/session.js';
import type { Connection } from '../../core/ws/connection.js';
import { Topic } from '../../core/ws/topic.js';
import { userStatus, type UserStatus } from './user.types.js';

/** The topic name user.subscribe subscriptions are held under on a connection. */
export const USER_TOPIC = 'user';
const SUBSCRIBE_TYPE = 'user.subscribe';

export interface UserConnections {
  connectionsOf(userId: number): Connection[];
  /** Sockets opened by one browser (core/ws/browser-id.ts), guests included. */
  connectionsOfBrowser(browserKey: string): Connection[];
}

export interface UserSubscriptionDeps {
  connections: UserConnections;
  /** The user's name, current role and session version; null when the user is gone. */
  loadAccount(userId: number): Promise<{ username: string; role: Role; sessionVersion: number } | null>;
  /** With PUBLIC_READ off, a socket that becomes a guest loses its other subscriptions too. */
  publicRead: boolean;
  logger: Logger;
}

export class UserSubscriptions {
  /** One topic per connection: a user's status is that connection's own business. */
  private readonly topics = new WeakMap<Connection, Topic>();
  /** Users this instance has authenticated sockets for, to re-check after a lost bus connection. */
  private readonly signedIn = new Set<number>();

  constructor(private readonly deps: UserSubscriptionDeps) {}

  async start(bus: ChangeBus): Promise<void> {
    await bus.listen(CHANNELS.userChanged, (payload) => {
      const userId = Number(payload);
      if (Number.isSafeInteger(userId)) this.refresh(userId);
    });
    // A login over HTTP: that browser's sockets take the new session in place.
    await bus.listen(CHANNELS.browserSignedIn, (payload) => {
      const [browser, userId, sessionVersion] = payload.split(' ');
      if (browser && userId && sessionVersion) this.signInBrowser(browser, Number(userId), Number(sessionVersion));
    });
    // Notifications sent while the bus was down are lost: check everyone we serve.
    bus.onReconnect(() => {
      for (const userId of this.signedIn) this.refresh(userId);
    });
  }

  /** A socket of this user was opened here. */
  remember(userId: number): void {
    this.signedIn.add(userId);
  }

  subscribe(connection: Connection, eid: string): void {
    // Claim the slot first: it throws when the connection has too many subscriptions.
    connection.addSubscription(eid, {
      topic: USER_TOPIC,
      release: () => {
        owner.delete(subscriber);
        if (owner.size === 0) this.topics.delete(connection);
      },
    });
    const owner = this.topics.get(connection) ?? new Topic(USER_TOPIC, SUBSCRIBE_TYPE);
    this.topics.set(connection, owner);
    const subscriber = owner.add(connection, eid);
  }

  private signInBrowser(browser: string, userId: number, sessionVersion: number): void {
    const connections = this.deps.connections.connectionsOfBrowser(browser);
    if (connections.length === 0) return;
    this.deps
      .loadAccount(userId)
      .then((account) => {
        // A logout since that login bumped the version: that session is already over.
        if (!account || account.sessionVersion !== sessionVersion) return;
        for (const connection of connections) {
          const current = connection.session;
          if (!connection.isOpen || (current?.userId === userId && current.sessionVersion === sessionVersion)) continue;
          connection.session = { userId, username: account.username, role: account.role, sessionVersion };
          this.remember(userId);
          this.push(connection, userStatus(connection.session));
        }
      })
      .catch((error: unknown) => {
        this.deps.logger.error('browser sign-in failed', { userId, error: error instanceof Error ? error.message : String(error) });
      });
  }

  private refresh(userId: number): void {
    this.apply(userId).catch((error: unknown) => {
      this.deps.logger.error('user session refresh failed', { userId, error: error instanceof Error ? error.message : String(error) });
    });
  }

  private async apply(userId: number): Promise<void> {
    const connections = this.deps.connections.connectionsOf(userId);
    if (connections.length === 0) {
      this.signedIn.delete(userId);
      return;
    }
    // One read per notification, however many sockets the user has.
    const account = await this.deps.loadAccount(userId);
    for (const connection of connections) {
      const session = connection.session;
      if (!session) continue;
      if (!account || account.sessionVersion !== session.sessionVersion) {
        connection.session = null;
        if (!this.deps.publicRead) this.dropReadSubscriptions(connection);
        this.push(connection, { status: 'guest' });
        connection.logger.info('session ended on this socket', { user: session.username });
      } else if (account.role !== session.role) {
        connection.session = { ...session, role: account.role };
        this.push(connection, userStatus(connection.session));
      }
    }
  }

  private push(connection: Connection, status: UserStatus): void {
    this.topics.get(connection)?.publish('update', status);
  }

  private dropReadSubscriptions(connection: Connection): void {
    for (const [eid, handle] of [...connection.subscriptions]) {
      if (handle.topic !== USER_TOPIC) connection.removeSubscription(eid);
    }
  }
}
