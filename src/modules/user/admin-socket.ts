// The embedded server's local admin channel: `npm run user` cannot open a PGlite data
// folder that a running server holds (one process per folder), so it sends its command
// here instead. A Unix socket at DATA_DIR/admin.sock, mode 0600 in the data folder: only
// the account that owns the data folder (and so already owns the database and its
// secrets file) can connect. Nothing on the network can reach it.
//
// One request per connection: a JSON line {args: string[], tool?: string}, answered with
// one JSON line {output} or {error, message}. Without `tool` it is an `npm run user`
// command; other modules' commands (`npm run api-key`: tool "api-key") come as `tools`.
import { chmod, unlink } from 'node:fs/promises';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { isAppError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { UserAdminTools } from './index.js';
import { parseUserCommand, runUserCommand, USER_COMMAND_USAGE } from './user-commands.js';

export const ADMIN_SOCKET_NAME = 'admin.sock';
const MAX_REQUEST_BYTES = 4096;

export function adminSocketPath(dataDir: string): string {
  return join(resolve(dataDir), ADMIN_SOCKET_NAME);
}

export interface AdminReply {
  output?: string;
  error?: string;
  message?: string;
}

/** Another module's commands: `run` returns null when the arguments are not a command (the usage is answered). */
export interface AdminCommands {
  usage: string;
  run(args: unknown): Promise<string> | null;
}

/** Serves the commands until close(). The data folder's lock guarantees a stale socket file is ours to replace. */
export async function serveAdminSocket(deps: {
  dataDir: string;
  tools: UserAdminTools;
  baseUrl: string;
  logger: Logger;
  more?: Record<string, AdminCommands>;
}): Promise<{ close(): Promise<void> }> {
  const path = adminSocketPath(deps.dataDir);
  await unlink(path).catch(() => undefined);
  const server = net.createServer((socket) => {
    let received = '';
    socket.on('error', () => socket.destroy());
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.length > MAX_REQUEST_BYTES) return void socket.end(`${JSON.stringify({ error: 'ValidationError', message: 'request too large' })}\n`);
      const newline = received.indexOf('\n');
      if (newline < 0) return;
      socket.removeAllListeners('data');
      void answer(received.slice(0, newline)).then((reply) => socket.end(`${JSON.stringify(reply)}\n`));
    });
  });

  async function answer(line: string): Promise<AdminReply> {
    let args: unknown;
    let tool: unknown;
    try {
      ({ args, tool } = JSON.parse(line) as { args?: unknown; tool?: unknown });
    } catch {
      args = undefined;
    }
    if (tool !== undefined) return answerMore(tool, args);
    const command = parseUserCommand(args);
    if (!command) return { error: 'ValidationError', message: USER_COMMAND_USAGE };
    try {
      return { output: await runUserCommand(deps.tools, command, 'command line', deps.baseUrl) };
    } catch (error) {
      if (isAppError(error)) return { error: error.code, message: error.message };
      deps.logger.error('admin socket command failed', { command: command.command, error: error instanceof Error ? error.message : String(error) });
      return { error: 'InternalServerError', message: 'the command failed; see the server log' };
    }
  }

  async function answerMore(tool: unknown, args: unknown): Promise<AdminReply> {
    const commands = typeof tool === 'string' && Object.hasOwn(deps.more ?? {}, tool) ? deps.more![tool]! : undefined;
    if (!commands) return { error: 'ValidationError', message: 'unknown tool' };
    const running = commands.run(args);
    if (!running) return { error: 'ValidationError', message: commands.usage };
    try {
      return { output: await running };
    } catch (error) {
      if (isAppError(error)) return { error: error.code, message: error.message };
      deps.logger.error('admin socket command failed', { tool, error: error instanceof Error ? error.message : String(error) });
      return { error: 'InternalServerError', message: 'the command failed; see the server log' };
    }
  }

  // Created owner-only from the start: no moment where another account could connect.
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(path, () => done());
    });
  } finally {
    process.umask(umask);
  }
  await chmod(path, 0o600);
  return {
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        // close() waits for open connections; commands answer and end theirs promptly.
      }).then(() => unlink(path).catch(() => undefined)),
  };
}

/** The command line's side: sends the arguments, resolves with the server's reply. */
export function askAdminSocket(dataDir: string, args: string[], tool?: string): Promise<AdminReply> {
  return new Promise((done, fail) => {
    const socket = net.connect(adminSocketPath(dataDir));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify({ args, tool })}\n`));
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', fail);
    socket.on('end', () => {
      try {
        done(JSON.parse(received) as AdminReply);
      } catch (error) {
        fail(error);
      }
    });
  });
}
