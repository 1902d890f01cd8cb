import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/core/config.js';
import { createLogger } from '../../src/core/logger.js';
import { resolveSecrets } from '../../src/core/secrets.js';
import { CapturedLogs } from '../support/log-capture.js';

describe('resolveSecrets', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'seats-secrets-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('generates both secrets once per data folder, mode 0600, without logging them', () => {
    const capture = new CapturedLogs();
    const logger = createLogger({ log: { level: 'silly', format: 'json' } }, [capture]);
    const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir });
    const first = resolveSecrets(config, logger);
    assert.ok(first.jwtSecret && first.jwtSecret.length >= 32);
    assert.equal(first.totpEncryptionKey?.length, 32);
    const file = join(dataDir, 'secrets.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const again = resolveSecrets(config, logger);
    assert.equal(again.jwtSecret, first.jwtSecret);
    assert.deepEqual(again.totpEncryptionKey, first.totpEncryptionKey);
    const logs = capture.lines.join('\n');
    assert.ok(capture.lines.length > 0);
    assert.ok(!logs.includes(first.jwtSecret!));
    assert.ok(!logs.includes(first.totpEncryptionKey!.toString('hex')));
    assert.ok(!logs.includes(readFileSync(file, 'utf8').slice(0, 40)));
  });

  it('prefers the environment', () => {
    const key = 'c'.repeat(64);
    const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir, JWT_SECRET: 'j'.repeat(40), TOTP_ENCRYPTION_KEY: key });
    const resolved = resolveSecrets(config, createLogger({ log: { level: 'error', format: 'json' } }, [new CapturedLogs()]));
    assert.equal(resolved.jwtSecret, 'j'.repeat(40));
    assert.equal(resolved.totpEncryptionKey?.toString('hex'), key);
  });

  it('production needs both from the environment', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir }), /JWT_SECRET.*required/);
  });
});
