// Admins: every user with a role picker; a change is sent at once with user.set_role and
// the picker falls back to the old role if the server refuses. "New authenticator link"
// (user.reenrol_link) revokes the user's authenticator and sessions at once and shows the
// one-time link to hand them.
import type { ProtocolClient } from '../../client/protocol-client.js';
import type { Role, UserSummary } from '../../client/protocol-types.js';
import { byId, el } from '../shared/dom.js';
import { errorInWords } from '../shared/error-words.js';

const ROLES: Role[] = ['viewer', 'staff', 'admin'];

export class RoleEditor {
  private readonly body = byId('users-body');
  private readonly message = byId('roles-message');

  constructor(private readonly client: ProtocolClient) {
    byId('users-reload').addEventListener('click', () => void this.load());
  }

  async load(): Promise<void> {
    try {
      const { users } = await this.client.request('user.list', null);
      this.body.replaceChildren(...users.map((user) => this.row(user)));
    } catch (error) {
      this.message.textContent = errorInWords(error);
    }
  }

  private row(user: UserSummary): HTMLTableRowElement {
    const picker = el('select', { 'aria-label': `Role of ${user.username}` }, ...ROLES.map((role) => el('option', { value: role, selected: role === user.role }, role)));
    let saved = user.role;
    picker.addEventListener('change', () => {
      const role = picker.value as Role;
      this.client
        .request('user.set_role', { username: user.username, role })
        .then(() => {
          saved = role;
          this.message.textContent = `${user.username} is now ${role}.`;
        })
        .catch((error: unknown) => {
          picker.value = saved;
          this.message.textContent = errorInWords(error);
        });
    });
    const reenrol = el('button', { type: 'button', class: 'secondary' }, 'New authenticator link');
    reenrol.addEventListener('click', () => this.issueLink(user.username));
    return el(
      'tr',
      {},
      el('td', {}, user.username),
      el('td', {}, picker),
      el('td', {}, new Date(user.created_at).toLocaleDateString()),
      el('td', {}, user.last_login_at ? new Date(user.last_login_at).toLocaleString() : 'never'),
      el('td', {}, reenrol),
    );
  }

  private issueLink(username: string): void {
    this.client
      .request('user.reenrol_link', { username })
      .then((link) => {
        byId('reenrol-link-user').textContent = link.username;
        byId<HTMLInputElement>('reenrol-link-output').value = `${location.origin}${link.path}`;
        byId('reenrol-link-box').hidden = false;
        this.message.textContent = `${link.username}'s old authenticator and sessions no longer work.`;
      })
      .catch((error: unknown) => (this.message.textContent = errorInWords(error)));
  }
}
