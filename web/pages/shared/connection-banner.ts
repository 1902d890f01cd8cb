// The banner a lobby screen or a staff member sees while the socket is down. It names the
// time of the last update, so nobody trusts a stale map without knowing it is stale.
import type { ProtocolClient } from '../../client/protocol-client.js';
import { hhmmss } from './time-format.js';

export function bindConnectionBanner(client: ProtocolClient, banner: HTMLElement): void {
  client.onStatus(({ state, lastMessageAt }) => {
    const down = state === 'reconnecting';
    banner.hidden = !down;
    if (down) banner.textContent = lastMessageAt === null ? 'Connecting to the server…' : `Reconnecting — last update ${hhmmss(new Date(lastMessageAt))}`;
  });
}
