// The `npm run api-key` commands, parsed and run against the key service: by the command
// line on the database itself, or, when an embedded server holds the data folder, by
// that server on its admin socket (src/modules/user/admin-socket.ts). One set of rules.
import { idSchema } from '../../core/bounds.js';
import type { ApiKeyService } from './apikey.service.js';
import { apiKeyCreateSchema, type ApiKeyView } from './apikey.types.js';

export const API_KEY_COMMAND_USAGE = [
  'usage: npm run api-key -- create <name> --scopes read,hold,mark [--cinemas 1,2]   (prints the key once)',
  '       npm run api-key -- list',
  '       npm run api-key -- revoke <id>',
].join('\n');

export type ApiKeyCommand =
  | { command: 'create'; name: string; scopes: ('read' | 'hold' | 'mark')[]; cinema_ids: number[] }
  | { command: 'list' }
  | { command: 'revoke'; id: number };

export function parseApiKeyCommand(args: unknown): ApiKeyCommand | null {
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) return null;
  const [command, ...rest] = args as string[];
  if (command === 'list') return rest.length === 0 ? { command } : null;
  if (command === 'revoke') {
    const id = idSchema.safeParse(Number(rest[0]));
    return rest.length === 1 && /^\d+$/.test(rest[0]!) && id.success ? { command, id: id.data } : null;
  }
  if (command !== 'create') return null;
  const [name, ...options] = rest;
  const values: Record<string, string> = {};
  for (let i = 0; i < options.length; i += 2) {
    const flag = options[i]!;
    const value = options[i + 1];
    if ((flag !== '--scopes' && flag !== '--cinemas') || value === undefined || flag in values) return null;
    values[flag] = value;
  }
  const list = (value: string | undefined) => (value === undefined ? [] : value.split(',').map((s) => s.trim()).filter(Boolean));
  const cinemas = list(values['--cinemas']);
  if (!cinemas.every((c) => /^\d+$/.test(c))) return null;
  const parsed = apiKeyCreateSchema.safeParse({ name, scopes: list(values['--scopes']), cinema_ids: cinemas.map(Number) });
  return parsed.success ? { command, ...parsed.data } : null;
}

function describe(key: ApiKeyView): string {
  return [
    `#${key.id}`,
    key.name,
    key.prefix,
    `scopes ${key.scopes.join(',')}`,
    key.cinema_ids.length === 0 ? 'all cinemas' : `cinemas ${key.cinema_ids.join(',')}`,
    `by ${key.created_by}`,
    `created ${key.created_at}`,
    `last used ${key.last_used_at ?? 'never'}`,
    key.revoked_at ? `REVOKED ${key.revoked_at}` : 'active',
  ].join('  ');
}

/** Runs a command; returns what to print. Throws AppError. */
export async function runApiKeyCommand(service: ApiKeyService, command: ApiKeyCommand, by: string): Promise<string> {
  switch (command.command) {
    case 'create': {
      const created = await service.create(command, by);
      return `${describe(created)}\nThe key (shown once, store it now; send it as "Authorization: Bearer <key>"):\n${created.key}`;
    }
    case 'list':
      return (await service.list()).map(describe).join('\n') || 'no API keys';
    case 'revoke':
      return describe(await service.revoke(command.id, by));
  }
}
