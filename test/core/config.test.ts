import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/core/config.js';

describe('config', () => {
  it('has working defaults on a bare machine', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.dataDir, './data');
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.publicRead, true);
    assert.equal(config.ws.maxPayloadBytes, 64 * 1024);
    assert.equal(config.ws.messagesPerSecond, 50);
    assert.equal(config.ws.perMessageDeflate, false);
    assert.equal(config.log.format, 'pretty');
  });

  it('names every bad variable in one message', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', PUBLIC_READ: 'maybe' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /PORT/);
        assert.match(error.message, /DATABASE_URL/);
        assert.match(error.message, /PUBLIC_READ/);
        assert.doesNotMatch(error.message, /\n/);
        return true;
      },
    );
  });

  it('requires both secrets in production', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /JWT_SECRET is required.*TOTP_ENCRYPTION_KEY is required/);
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), TOTP_ENCRYPTION_KEY: 'ab'.repeat(32) });
    assert.equal(config.log.format, 'json');
    assert.equal(config.totpEncryptionKey?.length, 32);
  });

  it('in production seeds nothing, keeps /metrics off the public port and drains before closing, unless told otherwise', () => {
    const secrets = { JWT_SECRET: 'x'.repeat(32), TOTP_ENCRYPTION_KEY: 'ab'.repeat(32) };
    const production = loadConfig({ NODE_ENV: 'production', ...secrets });
    assert.equal(production.seedDemo, false);
    assert.deepEqual(production.metrics, { port: undefined, public: false, token: undefined });
    assert.equal(production.shutdownDrainMs, 5_000);
    const development = loadConfig({});
    assert.equal(development.seedDemo, true);
    assert.equal(development.metrics.public, true);
    assert.equal(development.shutdownDrainMs, 0);

    const told = loadConfig({ NODE_ENV: 'production', ...secrets, SEED_DEMO: 'true', METRICS_TOKEN: 't'.repeat(16), SHUTDOWN_DRAIN_MS: '0' });
    assert.equal(told.seedDemo, true);
    assert.deepEqual(told.metrics, { port: undefined, public: true, token: 't'.repeat(16) });
    assert.equal(told.shutdownDrainMs, 0);
    const ownPort = loadConfig({ METRICS_PORT: '9100', METRICS_TOKEN: '' });
    assert.deepEqual(ownPort.metrics, { port: 9100, public: false, token: undefined });
    assert.equal(loadConfig({ METRICS_PORT: '' }).metrics.port, undefined);
    assert.throws(
      () => loadConfig({ METRICS_PORT: '0', METRICS_TOKEN: 'short', SEED_DEMO: 'perhaps' }),
      (error: unknown) => ['METRICS_PORT', 'METRICS_TOKEN', 'SEED_DEMO'].every((name) => String(error).includes(name)),
    );
  });

  it('rejects a short JWT secret and a malformed key without echoing them', () => {
    assert.throws(
      () => loadConfig({ JWT_SECRET: 'short-secret-value', TOTP_ENCRYPTION_KEY: 'not-a-key' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /JWT_SECRET must be at least 32 characters/);
        assert.match(error.message, /TOTP_ENCRYPTION_KEY must be 32 bytes/);
        assert.doesNotMatch(error.message, /short-secret-value|not-a-key/);
        return true;
      },
    );
  });

  it('turns the MQTT bridge on with MQTT_URL, and refuses bad outbound settings by name without echoing credentials', () => {
    assert.equal(loadConfig({}).outbound.mqtt.url, undefined);
    const on = loadConfig({ MQTT_URL: 'mqtts://user:pw@broker.example:8883', MQTT_TOPIC_PREFIX: 'lobby/screens/' });
    assert.deepEqual(on.outbound.mqtt, { url: 'mqtts://user:pw@broker.example:8883', topicPrefix: 'lobby/screens', clientId: undefined });
    assert.deepEqual(loadConfig({}).outbound.webhooks, { allowPrivate: false, disableAfterSeconds: 259_200, timeoutMs: 10_000, logSize: 100 });
    assert.equal(loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'true' }).outbound.webhooks.allowPrivate, true);
    assert.throws(
      () => loadConfig({ MQTT_URL: 'http://user:secretpw@broker', MQTT_TOPIC_PREFIX: 'a/#', WEBHOOK_LOG_SIZE: '0', WEBHOOK_ALLOW_PRIVATE: 'maybe' }),
      (error: unknown) =>
        ['MQTT_URL', 'MQTT_TOPIC_PREFIX', 'WEBHOOK_LOG_SIZE', 'WEBHOOK_ALLOW_PRIVATE'].every((name) => String(error).includes(name)) && !String(error).includes('secretpw'),
    );
  });

  it('uses WS_PORT only when it differs from PORT', () => {
    assert.equal(loadConfig({ PORT: '4000', WS_PORT: '4000' }).wsPort, undefined);
    assert.equal(loadConfig({ PORT: '4000', WS_PORT: '4001' }).wsPort, 4001);
  });
});
