// What `npm run user` and `npm run api-key` share: run the command on the configured
// database; when an embedded PGlite folder is held by a running server, send it to that
// server over its admin socket (DATA_DIR/admin.sock) instead. Prints the output, or the
// error's code and message with exit code 1.
import type { Config } from '../src/core/config.js';
import { DataDirLockedError, openDatabase, type Database } from '../src/core/db/index.js';
import { isAppError } from '../src/core/errors.js';
import type { Logger } from '../src/core/logger.js';
import { askAdminSocket } from '../src/modules/user/index.js';

export async function runAdminCommand(options: {
  config: Config;
  logger: Logger;
  args: string[];
  /** The admin socket's tool name; the user tools when absent. */
  tool?: string;
  run(database: Database): Promise<string>;
}): Promise<void> {
  const { config, logger } = options;

  async function runHere(): Promise<string | null> {
    let db;
    try {
      db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, cacheDir: config.cacheDir, logger });
    } catch (error) {
      if (error instanceof DataDirLockedError) return null;
      throw error;
    }
    try {
      return await options.run(db);
    } finally {
      await db.close();
    }
  }

  let failed = false;
  try {
    let output = await runHere();
    if (output === null) {
      // The embedded server holds the folder: it runs the command.
      const reply = await askAdminSocket(config.dataDir, options.args, options.tool);
      if (reply.error !== undefined) {
        console.error(`${reply.error}: ${reply.message}`);
        failed = true;
      }
      output = reply.output ?? '';
    }
    if (output) console.log(output);
  } catch (error) {
    if (!isAppError(error)) throw error;
    console.error(`${error.code}: ${error.message}`);
    failed = true;
  }
  // Set after close: closing PGlite (Emscripten) resets process.exitCode.
  if (failed) process.exitCode = 1;
}
