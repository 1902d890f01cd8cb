// Which proxies to believe about the client's address, compiled once from TRUST_PROXY
// and used by both Express (request.ip, request.secure) and the WebSocket upgrade, so
// the per-address connection cap and the logs see the same address. proxy-addr walks
// X-Forwarded-For from the right and stops at the first untrusted hop: the leftmost
// entry is whatever the client wrote and must never be taken at face value.
import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

export type TrustProxy = (address: string, hop: number) => boolean;

/** Same meanings as Express's `trust proxy`: `true`, a hop count, or addresses/subnets/names like `loopback`. */
export function compileTrustProxy(value: string | undefined): TrustProxy {
  if (value === undefined || value === 'false') return () => false;
  if (value === 'true') return () => true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return proxyaddr.compile(value.split(',').map((entry) => entry.trim()));
}

export function clientIp(request: IncomingMessage, trust: TrustProxy): string {
  return proxyaddr(request, trust);
}
