// One browser running the original Seats Sync web client (scheron/SeatsSync, apps/frontend),
// replayed at the wire: its HTTP calls go to `${API_URL}/` + `/user/<method>` (so
// `/api//user/...`) with credentials, its socket names no subprotocol and sends the text
// frame `1` every 4 s, its subscriptions use the eids it uses ("1", "2"... from a counter,
// "cinemas-sub", "hall-sub"), and a cookie jar sends each cookie only where a browser
// would (RFC 6265 path match), so a cookie with the wrong Path is caught here.
import { randomUUID } from 'node:crypto';
import { TestClient } from '../support/ws-client.js';

interface JarCookie {
  value: string;
  path: string;
}

export class OriginalBrowser {
  private readonly jar = new Map<string, JarCookie>();
  private counter = 0;
  socket: TestClient | null = null;

  constructor(
    private readonly serverUrl: string,
    /** The page's origin: set for the cross-origin setup, undefined for same-origin. */
    private readonly origin?: string,
  ) {}

  /** The client's httpClient: POST, JSON, credentials included; resolves with the body. */
  async http(method: string, body: unknown = {}): Promise<{ status: number; json: { data: any; status: string; error: string | null }; headers: Headers }> {
    const path = `/api//user/${method}`;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const cookie = this.cookieHeader(path);
    if (cookie) headers.cookie = cookie;
    if (this.origin) headers.origin = this.origin;
    const response = await fetch(`${this.serverUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    this.store(response.headers.getSetCookie(), path);
    return { status: response.status, json: (await response.json()) as never, headers: response.headers };
  }

  /** Opens the socket as the page does at load: no subprotocol, the jar's cookies. */
  async open(): Promise<TestClient> {
    const cookie = this.cookieHeader('/ws');
    const wsUrl = `${this.serverUrl.replace(/^http/, 'ws')}/ws`;
    this.socket = await TestClient.connect(wsUrl, { dialect: 'original', ...(cookie ? { cookie } : {}), ...(this.origin ? { origin: this.origin } : {}) });
    this.store(this.socket.upgradeSetCookies, '/ws');
    return this.socket;
  }

  /** A subscription without an eid of its own gets the next counter value, as in wsSubscription.ts. */
  subscribe(type: string, data: unknown, eid = String(++this.counter)) {
    return this.socket!.request(type, data, eid);
  }

  /** One-off requests (Subscription.request) carry a random UUID eid. */
  send(type: string, data: unknown) {
    return this.socket!.request(type, data, randomUUID());
  }

  /** Its unsubscribe: `{sub_eid}` with a fresh eid, and it expects no reply. */
  unsubscribe(type: string, subEid: string): void {
    this.socket!.sendRaw(JSON.stringify({ type, data: { sub_eid: subEid }, eid: randomUUID() }));
  }

  has(name: string): boolean {
    return this.jar.has(name);
  }

  /** The Cookie header this browser sends to `requestPath`. */
  cookieHeader(requestPath: string): string {
    return [...this.jar]
      .filter(([, cookie]) => pathMatches(requestPath, cookie.path))
      .map(([name, cookie]) => `${name}=${cookie.value}`)
      .join('; ');
  }

  private store(setCookies: string[], requestPath: string): void {
    for (const header of setCookies) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const separator = pair!.indexOf('=');
      const name = pair!.slice(0, separator);
      const value = pair!.slice(separator + 1);
      const pathAttribute = attributes.find((a) => a.toLowerCase().startsWith('path='));
      const path = pathAttribute ? pathAttribute.slice(5) : defaultPath(requestPath);
      const expired = attributes.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) <= Date.now()));
      if (expired || value === '') this.jar.delete(name);
      else this.jar.set(name, { value, path });
    }
  }
}

/** RFC 6265 section 5.1.4. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

function defaultPath(requestPath: string): string {
  const last = requestPath.lastIndexOf('/');
  return last <= 0 ? '/' : requestPath.slice(0, last);
}
