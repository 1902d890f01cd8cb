// The `npm run user` commands, parsed and run against the admin tools. The command line
// runs them on the database itself, or, when an embedded server holds the data folder,
// sends them to that server over its local admin socket (admin-socket.ts), which runs
// them here too: one set of rules either way.
import { AppError } from '../../core/errors.js';
import type { Role } from '../../core/session.js';
import type { UserAdminTools } from './index.js';
import { roleSchema, usernameSchema } from './user.types.js';

export const USER_COMMAND_USAGE = [
  'usage: npm run user -- set-role <username> <viewer|staff|admin>',
  '       npm run user -- revoke <username>',
  '       npm run user -- reenrol-link <username>   (a one-time link to enrol a new authenticator)',
  '       npm run user -- setup-link                (a new first-admin setup link; the old one stops working)',
  '       npm run user -- audit                     (the last 50 entries of the auth audit trail)',
].join('\n');

export type UserCommand =
  | { command: 'set-role'; username: string; role: Role }
  | { command: 'revoke'; username: string }
  | { command: 'reenrol-link'; username: string }
  | { command: 'setup-link' }
  | { command: 'audit' };

export function parseUserCommand(args: unknown): UserCommand | null {
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) return null;
  const [command, name, role, ...rest] = args as string[];
  if (rest.length > 0) return null;
  if ((command === 'setup-link' || command === 'audit') && name === undefined) return { command };
  const username = usernameSchema.safeParse(name);
  if (!username.success) return null;
  if (command === 'set-role') {
    const parsedRole = roleSchema.safeParse(role);
    return parsedRole.success ? { command, username: username.data, role: parsedRole.data } : null;
  }
  if ((command === 'revoke' || command === 'reenrol-link') && role === undefined) return { command, username: username.data };
  return null;
}

/** Runs a command; returns what to print. `baseUrl` goes in front of links. Throws AppError. */
export async function runUserCommand(tools: UserAdminTools, command: UserCommand, by: string, baseUrl: string): Promise<string> {
  switch (command.command) {
    case 'set-role': {
      const result = await tools.setRole(command.username, command.role, by);
      return `${result.username} is now ${result.role}`;
    }
    case 'revoke':
      await tools.revokeSessions(command.username, by);
      return `every session of ${command.username} ended`;
    case 'reenrol-link': {
      const link = await tools.issueReenrolLink(command.username, by);
      return `${link.username}'s old authenticator, recovery codes and sessions are revoked. Give them this one-time link (valid until ${link.expires_at.toISOString()}):\n${baseUrl}${link.path}`;
    }
    case 'setup-link': {
      const path = await tools.replaceSetupLink(by);
      if (path === null) throw new AppError('Forbidden', 'there is an admin already; an admin gives roles (set-role)');
      return `one-time link for the first admin (valid for an hour, the earlier one no longer works):\n${baseUrl}${path}`;
    }
    case 'audit': {
      const rows = await tools.audit(50);
      return rows
        .map((r) => [r.created_at.toISOString(), r.action, r.username || '-', `by ${r.actor}`, r.detail ?? '', r.ip ? `from ${r.ip}` : ''].filter(Boolean).join('  '))
        .join('\n');
    }
  }
}
