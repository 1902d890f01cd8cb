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
  if (policy.allowedOrigins.length > 0) return isListedOrigin(normalised, policy.allowedOrigins);
  if (policy.publicUrl && new URL(policy.publicUrl).origin === normalised) return true;
  // Same origin means scheme, host and port: an http page must not drive the https site
  // (some browsers send SameSite cookies across the two schemes).
  const host = request.headers.host;
  return host !== undefined && normalised === `${requestScheme(request, trustProxy)}://${host.toLowerCase()}`;
}

/** Whether `origin` is one of ALLOWED_ORIGINS (case and a trailing slash aside). */
export function isListedOrigin(origin: string, allowedOrigins: string[]): boolean {
  const normalised = origin.replace(/\/$/, '').toLowerCase();
  return allowedOrigins.some((allowed) => allowed.toLowerCase() === normalised);
}

/** https when the connection is TLS, or when a trusted proxy says the client's was. */
export function requestScheme(request: IncomingMessage, trustProxy: TrustProxy): 'http' | 'https' {
  if ((request.socket as TLSSocket).encrypted) return 'https';
  const forwarded = request.headers['x-forwarded-proto'];
  const proto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return proto === 'https' && trustProxy(request.socket.remoteAddress ?? '', 0) ? 'https' : 'http';
}
