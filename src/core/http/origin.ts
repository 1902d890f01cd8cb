// Cross-site protection shared by the WebSocket upgrade and state-changing HTTP requests.
// Browsers always send Origin on WebSocket upgrades and cross-site POSTs, so a missing
// Origin means a non-browser client (a lobby device, a script), which no victim's cookie
// rides along with.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { TrustProxy } from './client-ip.js';

export interface OriginPolicy {
  /** Explicit allow list; empty means the server's own origin only. */
  allowedOrigins: string[];
  publicUrl: string | undefined;
}

export function isOriginAllowed(request: IncomingMessage, policy: OriginPolicy, trustProxy: TrustProxy): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  const normalised = origin.replace(/\/$/, '').toLowerCase();
  if (policy.allowedOrigins.length > 0) return policy.allowedOrigins.some((allowed) => allowed.toLowerCase() === normalised);
  if (policy.publicUrl && new URL(policy.publicUrl).origin === normalised) return true;
  // Same origin means scheme, host and port: an http page must not drive the https site
  // (some browsers send SameSite cookies across the two schemes).
  const host = request.headers.host;
  return host !== undefined && normalised === `${requestScheme(request, trustProxy)}://${host.toLowerCase()}`;
}

/** https when the connection is TLS, or when a trusted proxy says the client's was. */
function requestScheme(request: IncomingMessage, trustProxy: TrustProxy): 'http' | 'https' {
  if ((request.socket as TLSSocket).encrypted) return 'https';
  const forwarded = request.headers['x-forwarded-proto'];
  const proto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return proto === 'https' && trustProxy(request.socket.remoteAddress ?? '', 0) ? 'https' : 'http';
}
