// Cross-site protection shared by the WebSocket upgrade and state-changing HTTP requests.
// Browsers always send Origin on WebSocket upgrades and cross-site POSTs, so a missing
// Origin means a non-browser client (a lobby device, a script), which no victim's cookie
// rides along with.
import type { IncomingMessage } from 'node:http';

export interface OriginPolicy {
  /** Explicit allow list; empty means the server's own origin only. */
  allowedOrigins: string[];
  publicUrl: string | undefined;
}

export function isOriginAllowed(request: IncomingMessage, policy: OriginPolicy): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  const normalised = origin.replace(/\/$/, '');
  if (policy.allowedOrigins.length > 0) return policy.allowedOrigins.includes(normalised);
  if (policy.publicUrl && new URL(policy.publicUrl).origin === normalised) return true;
  // Same origin: the Origin's host must be the host this request was sent to.
  const host = request.headers.host;
  try {
    return host !== undefined && new URL(normalised).host === host;
  } catch {
    return false;
  }
}
