// Where a webhook may be sent: http(s) only, and never to a private, loopback, link-local
// or otherwise internal address unless WEBHOOK_ALLOW_PRIVATE is set, so an admin account
// (or a DNS record an outsider controls) cannot make the server probe its own network.
// Checked at registration and again at every delivery: the name is resolved and EVERY
// address checked, and the connection goes to an address that passed (the lookup below
// is the one the request uses), so a record that changes in between cannot slip through.
// Redirects are never followed (webhook-sender.ts).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved and broadcast
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['::ffff:0:0', 96], // IPv4-mapped: the IPv4 rules above would have to hold anyway
  ['64:ff9b::', 96], // NAT64
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

export class DestinationRefused extends Error {
  override name = 'DestinationRefused';
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The parsed URL, or DestinationRefused saying why not (without resolving the name). */
export function parseDestination(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DestinationRefused('not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new DestinationRefused('only http and https URLs');
  if (parsed.username || parsed.password) throw new DestinationRefused('credentials in the URL are not allowed; the signature authenticates the sender');
  return parsed;
}

function resolveAll(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });
}

/** Every address `hostname` resolves to, refused when one of them is private (unless allowed). */
export async function resolveDestination(hostname: string, allowPrivate: boolean): Promise<LookupAddress[]> {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(bare);
  let addresses: LookupAddress[];
  if (family !== 0) {
    addresses = [{ address: bare, family }];
  } else {
    try {
      addresses = await resolveAll(bare);
    } catch (error) {
      throw new DestinationRefused(`${bare} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (addresses.length === 0) throw new DestinationRefused(`${bare} does not resolve`);
  }
  if (!allowPrivate) {
    const inside = addresses.find((entry) => isPrivateAddress(entry.address));
    if (inside) throw new DestinationRefused(`${bare} resolves to ${inside.address}, a private, loopback or link-local address`);
  }
  return addresses;
}

/** A dns.lookup for http.request that only ever hands out checked addresses. */
export function checkedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolveDestination(hostname, allowPrivate).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((entry) => entry.family === options.family) : addresses;
        if (wanted.length === 0) {
          callback(Object.assign(new Error(`${hostname} has no IPv${options.family} address`), { code: 'ENOTFOUND' }), '', 0);
        } else if (options.all) {
          (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, wanted);
        } else {
          callback(null, wanted[0]!.address, wanted[0]!.family);
        }
      },
      (error: Error) => callback(Object.assign(error, { code: 'EREFUSED' }), '', 0),
    );
  };
}
