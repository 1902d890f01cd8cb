// The open connections of this process. Made before the modules and the WebSocket server:
// the server adds and removes connections, modules look them up (the user module finds a
// user's sockets to apply a logout or a role change), and neither has to know the other.
import type { Connection } from './connection.js';

export class Connections implements Iterable<Connection> {
  private readonly all = new Set<Connection>();

  get size(): number {
    return this.all.size;
  }

  add(connection: Connection): void {
    this.all.add(connection);
  }

  delete(connection: Connection): void {
    this.all.delete(connection);
  }

  values(): IterableIterator<Connection> {
    return this.all.values();
  }

  [Symbol.iterator](): IterableIterator<Connection> {
    return this.all.values();
  }

  /** Connections of one user, for live downgrades on logout or role change. */
  connectionsOf(userId: number): Connection[] {
    return [...this.all].filter((c) => c.session?.userId === userId);
  }

  /** Connections of one browser (browser-id.ts), for upgrades on an HTTP login. */
  connectionsOfBrowser(browserKey: string): Connection[] {
    return [...this.all].filter((c) => c.browser === browserKey);
  }
}
