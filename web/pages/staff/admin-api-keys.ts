// Admins: API keys of the box-office REST API (/api/v1) with their scopes, cinemas and
// last use, a form to create one (its key is shown once, right after), and revoke buttons.
import type { ProtocolClient } from '../../client/protocol-client.js';
import type { ApiKey, Cinema } from '../../client/protocol-types.js';
import { byId, el } from '../shared/dom.js';
import { errorInWords } from '../shared/error-words.js';

const SCOPES = ['read', 'hold', 'mark'] as const;

export class ApiKeyEditor {
  private readonly body = byId('api-keys-body');
  private readonly message = byId('api-keys-message');
  private readonly cinemaBox = byId('api-key-cinemas');
  private cinemaNames = new Map<number, string>();

  constructor(private readonly client: ProtocolClient) {
    byId('api-keys-reload').addEventListener('click', () => void this.load());
    byId<HTMLFormElement>('api-key-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.add();
    });
  }

  async load(): Promise<void> {
    try {
      const [{ keys }, cinemas] = await Promise.all([this.client.request('api_key.list', null), this.client.request('cinemas.get_cinemas', null)]);
      this.showCinemas(cinemas);
      this.body.replaceChildren(...keys.map((key) => this.row(key)));
    } catch (error) {
      this.message.textContent = errorInWords(error);
    }
  }

  private showCinemas(cinemas: Cinema[]): void {
    this.cinemaNames = new Map(cinemas.map((c) => [c.id, c.name]));
    const checked = new Set(this.checked('api-key-cinema').map(Number));
    this.cinemaBox.replaceChildren(
      ...cinemas.map((cinema) => {
        const id = `api-key-cinema-${cinema.id}`;
        const box = el('input', { type: 'checkbox', id, name: 'api-key-cinema', value: String(cinema.id) });
        box.checked = checked.has(cinema.id);
        return el('span', { class: 'checkbox-field' }, box, el('label', { for: id }, cinema.name));
      }),
    );
  }

  private checked(name: string): string[] {
    return [...document.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((box) => box.value);
  }

  private async add(): Promise<void> {
    const name = byId<HTMLInputElement>('api-key-name');
    const scopes = this.checked('api-key-scope') as (typeof SCOPES)[number][];
    if (scopes.length === 0) {
      this.message.textContent = 'Choose at least one permission.';
      return;
    }
    try {
      const created = await this.client.request('api_key.create', { name: name.value, scopes, cinema_ids: this.checked('api-key-cinema').map(Number) });
      byId<HTMLInputElement>('api-key-output').value = created.key;
      byId('api-key-box').hidden = false;
      name.value = '';
      this.message.textContent = `Created the key "${created.name}".`;
      await this.load();
    } catch (error) {
      this.message.textContent = errorInWords(error);
    }
  }

  private row(key: ApiKey): HTMLTableRowElement {
    const cinemas = key.cinema_ids.length === 0 ? 'All' : key.cinema_ids.map((id) => this.cinemaNames.get(id) ?? `#${id}`).join(', ');
    const state = key.revoked_at ? `Revoked ${new Date(key.revoked_at).toLocaleString()}` : key.last_used_at ? `Last used ${new Date(key.last_used_at).toLocaleString()}` : 'Never used';
    const actions = el('td', {});
    if (!key.revoked_at) {
      const revoke = el('button', { type: 'button', class: 'secondary' }, 'Revoke');
      revoke.addEventListener('click', () => {
        this.client
          .request('api_key.revoke', { id: key.id })
          .then(() => {
            this.message.textContent = `Revoked "${key.name}": it is refused from now on.`;
            return this.load();
          })
          .catch((error: unknown) => (this.message.textContent = errorInWords(error)));
      });
      actions.append(revoke);
    }
    return el(
      'tr',
      {},
      el('td', {}, key.name, el('div', { class: 'hint' }, `${key.prefix}… by ${key.created_by}`)),
      el('td', {}, key.scopes.join(', ')),
      el('td', {}, cinemas),
      el('td', {}, state),
      actions,
    );
  }
}
