// The staff console (/staff): who is logged in decides what shows. The socket's
// user.subscribe is the one source of that, so a logout or role change made elsewhere
// (another tab, an admin) takes effect here at once.
import { ProtocolClient } from '../../client/protocol-client.js';
import type { UserStatus } from '../../client/protocol-types.js';
import { bindConnectionBanner } from '../shared/connection-banner.js';
import { byId } from '../shared/dom.js';
import { errorInWords } from '../shared/error-words.js';
import { socketUrl } from '../shared/socket-url.js';
import { HallBuilder } from './admin-hall-builder.js';
import { RoleEditor } from './admin-roles.js';
import { ScheduleEditor } from './admin-schedule.js';
import { ApiKeyEditor } from './admin-api-keys.js';
import { WebhookEditor } from './admin-webhooks.js';
import { authApi } from './auth-api.js';
import { HallConsole } from './hall-console.js';
import { HallShowings } from './hall-showings.js';
import { createLoginPanel } from './login-panel.js';

let shownAs: string | null = null;

const client = new ProtocolClient({ url: socketUrl() });
bindConnectionBanner(client, byId('banner'));

// A login over HTTP upgrades this socket in place (its user.subscribe push) when the socket
// carries this browser's cookie; otherwise the session cookie reaches the socket only on a
// new upgrade. Reconnecting an already upgraded socket would fail the admin requests the
// push has just sent (a request in flight on a dropped socket is ConnectionLost).
const login = createLoginPanel(() => {
  if (shownAs === null || shownAs === 'guest') client.reconnect();
});
// One list of the picked hall's showings, for the console's picker and the admins' schedule.
const showings = new HallShowings(client);
const hallConsole = new HallConsole(client, showings);
new ScheduleEditor(client, showings);
const builder = new HallBuilder(client);
const roles = new RoleEditor(client);
const webhooks = new WebhookEditor(client);
const apiKeys = new ApiKeyEditor(client);

byId('logout').addEventListener('click', () => {
  authApi
    .logout()
    .catch((error: unknown) => (byId('login-message').textContent = errorInWords(error)))
    .finally(() => client.reconnect());
});

client.subscribeUser({ status: show });
client.connect();

function show(user: UserStatus): void {
  // An enrolment's login reaches this socket at once (user.subscribe), maybe before its reply
  // with the recovery codes; they are shown once, so the console waits for "done" (which reconnects).
  if (user.status === 'user' && login.enrolmentUnfinished()) return;
  const key = user.status === 'user' ? `${user.username}:${user.role}` : 'guest';
  if (key === shownAs) return; // a resubscribe after reconnect repeats the same status
  shownAs = key;
  const loggedIn = user.status === 'user';
  byId('login').hidden = loggedIn;
  byId('console').hidden = !loggedIn;
  byId('who').hidden = !loggedIn;
  byId('admin').hidden = !(loggedIn && user.role === 'admin');
  if (!loggedIn) {
    hallConsole.stop();
    login.reset();
    return;
  }
  byId('who-name').textContent = `${user.username} (${user.role})`;
  hallConsole.start(user.role !== 'viewer');
  if (user.role === 'admin') {
    void roles.load();
    void webhooks.load();
    void apiKeys.load();
    client
      .request('cinemas.get_cinemas', null)
      .then((cinemas) => builder.start(cinemas))
      .catch((error: unknown) => (byId('builder-message').textContent = errorInWords(error)));
  }
}
