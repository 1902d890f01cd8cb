// Admins: every user with a role picker; a change is sent at once with user.set_role and
// the picker falls back to the old role if the server refuses.
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
    return el(
      'tr',
      {},
      el('td', {}, user.username),
      el('td', {}, picker),
      el('td', {}, new Date(user.created_at).toLocaleDateString()),
      el('td', {}, user.last_login_at ? new Date(user.last_login_at).toLocaleString() : 'never'),
    );
  }
}
