// The two server secrets: JWT_SECRET signs session cookies, TOTP_ENCRYPTION_KEY encrypts
// the TOTP secrets at rest. Production takes both from the environment (loadConfig
// refuses to start without them). Elsewhere a missing one is generated once per data
// folder and kept in <dataDir>/secrets.json (mode 0600), so sessions and enrolled
// authenticators survive restarts; losing that file logs everybody out and makes every
// enrolled authenticator useless. Values are never logged, only the file's path.
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { decodeKey, type Config } from './config.js';
import type { Logger } from './logger.js';

const SECRETS_FILE = 'secrets.json';

const storedSecretsSchema = z.object({
  jwt_secret: z.string().min(32),
  totp_encryption_key: z.string().refine((v) => decodeKey(v) !== null, 'must be 32 bytes'),
});
type StoredSecrets = z.infer<typeof storedSecretsSchema>;

/** Returns the config with jwtSecret and totpEncryptionKey both set. */
export function resolveSecrets(config: Config, logger: Logger): Config {
  if (config.jwtSecret !== undefined && config.totpEncryptionKey !== undefined) return config;
  if (config.env === 'production') {
    throw new Error('JWT_SECRET and TOTP_ENCRYPTION_KEY are required when NODE_ENV=production');
  }
  const stored = readOrCreate(join(config.dataDir, SECRETS_FILE), logger);
  return {
    ...config,
    jwtSecret: config.jwtSecret ?? stored.jwt_secret,
    totpEncryptionKey: config.totpEncryptionKey ?? decodeKey(stored.totp_encryption_key) ?? undefined,
  };
}

function readOrCreate(path: string, logger: Logger): StoredSecrets {
  const existing = read(path);
  if (existing) return existing;
  const generated: StoredSecrets = {
    jwt_secret: randomBytes(48).toString('base64url'),
    totp_encryption_key: randomBytes(32).toString('hex'),
  };
  mkdirSync(dirname(path), { recursive: true });
  // Written whole to a private file, then linked into place: link() fails if the name
  // exists, so two processes starting on a fresh folder agree on one file, and neither
  // can read a half-written one.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(generated, null, 2)}\n`, { mode: 0o600 });
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = read(path);
    if (!winner) throw error;
    return winner;
  } finally {
    unlinkSync(temporary);
  }
  // Instances sharing one PostgreSQL database but not this folder would each make their
  // own: they could neither read each other's cookies nor decrypt each other's users.
  logger.warn('generated JWT_SECRET and TOTP_ENCRYPTION_KEY for this data folder; set them in the environment for production and for several instances', { file: path });
  return generated;
}

function read(path: string): StoredSecrets | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let parsed: ReturnType<typeof storedSecretsSchema.safeParse> | undefined;
  try {
    parsed = storedSecretsSchema.safeParse(JSON.parse(text));
  } catch {
    parsed = undefined;
  }
  // Never quote the file or the parse error: the content is the secret.
  if (!parsed?.success) throw new Error(`${path} is not a valid secrets file; delete it to generate new secrets`);
  return parsed.data;
}
