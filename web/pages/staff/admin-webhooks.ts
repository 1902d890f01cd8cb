// Admins: webhook endpoints with their state (failing since when, why the server disabled
// one), their latest delivery attempts, and buttons to pause, re-enable and delete. A new
// endpoint's signing secret is shown once, right after it is added.
import type { ProtocolClient } from '../../client/protocol-client.js';
import type { WebhookEndpoint } from '../../client/protocol-types.js';
import { byId, el } from '../shared/dom.js';
import { errorInWords } from '../shared/error-words.js';

export class WebhookEditor {
  private readonly body = byId('webhooks-body');
  private readonly message = byId('webhooks-message');

  constructor(private readonly client: ProtocolClient) {
    byId('webhooks-reload').addEventListener('click', () => void this.load());
    byId<HTMLFormElement>('webhook-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.add();
    });
  }

  async load(): Promise<void> {
    try {
      const { endpoints } = await this.client.request('webhook.list', null);
      const rows = await Promise.all(endpoints.map((endpoint) => this.row(endpoint)));
      this.body.replaceChildren(...rows);
    } catch (error) {
      this.message.textContent = errorInWords(error);
    }
  }

  private async add(): Promise<void> {
    const url = byId<HTMLInputElement>('webhook-url');
    const description = byId<HTMLInputElement>('webhook-description');
    try {
      const created = await this.client.request('webhook.create', { url: url.value, events: ['hall.changed'], description: description.value });
      byId<HTMLInputElement>('webhook-secret-output').value = created.secret;
      byId('webhook-secret-box').hidden = false;
      url.value = '';
      description.value = '';
      this.message.textContent = `Added ${created.endpoint.url}.`;
      await this.load();
    } catch (error) {
      this.message.textContent = errorInWords(error);
    }
  }

  private state(endpoint: WebhookEndpoint): string {
    if (!endpoint.enabled) return endpoint.disabled_reason ? `Disabled: ${endpoint.disabled_reason}` : 'Paused';
    if (endpoint.failing_since) return `Failing since ${new Date(endpoint.failing_since).toLocaleString()}`;
    return 'Delivering';
  }

  private async row(endpoint: WebhookEndpoint): Promise<HTMLTableRowElement> {
    const { deliveries } = await this.client.request('webhook.deliveries', { id: endpoint.id, limit: 3 });
    const attempts = deliveries.map((d) => `${d.stream} v${d.version}: ${d.ok ? `OK ${d.status_code}` : (d.error ?? 'failed')}`).join('\n') || 'none yet';
    const toggle = el('button', { type: 'button', class: 'secondary' }, endpoint.enabled ? 'Pause' : 'Enable');
    toggle.addEventListener('click', () => this.act(this.client.request('webhook.update', { id: endpoint.id, enabled: !endpoint.enabled }), endpoint.enabled ? 'Paused.' : 'Enabled: deliveries resume where they stopped.'));
    const remove = el('button', { type: 'button', class: 'secondary' }, 'Delete');
    remove.addEventListener('click', () => this.act(this.client.request('webhook.delete', { id: endpoint.id }), `Deleted ${endpoint.url}.`));
    return el(
      'tr',
      {},
      el('td', {}, endpoint.url, endpoint.description ? el('div', { class: 'hint' }, endpoint.description) : ''),
      el('td', {}, endpoint.events.join(', ')),
      el('td', {}, this.state(endpoint)),
      el('td', { class: 'attempts' }, attempts),
      el('td', {}, toggle, remove),
    );
  }

  private act(request: Promise<unknown>, done: string): void {
    request
      .then(() => {
        this.message.textContent = done;
        return this.load();
      })
      .catch((error: unknown) => (this.message.textContent = errorInWords(error)));
  }
}
