// winston: JSON lines in production, readable lines in development. Context (request id,
// connection id, user) goes in as metadata via logger.child(). Secrets never go in: the
// redaction below is a last line of defence, not a licence to log them.
import winston from 'winston';
import type { Config } from './config.js';

export type Logger = winston.Logger;

const SECRET_KEYS = /^(code|token|secret|totp_secret|jwt|password|cookie|authorization|recovery_codes?|qr|qr_url)$/i;

const redact = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (SECRET_KEYS.test(key)) info[key] = '[redacted]';
  }
  return info;
});

export function createLogger(config: Pick<Config, 'log'>, transports?: winston.transport[]): Logger {
  const format =
    config.log.format === 'json'
      ? winston.format.combine(redact(), winston.format.timestamp(), winston.format.errors({ stack: true }), winston.format.json())
      : winston.format.combine(
          redact(),
          winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
          winston.format.errors({ stack: true }),
          winston.format.printf(({ timestamp, level, message, stack, ...meta }) => {
            const rest = Object.keys(meta).length ? ` ${JSON.stringify(meta)}` : '';
            return `${String(timestamp)} ${level.padEnd(5)} ${String(message)}${rest}${stack ? `\n${String(stack)}` : ''}`;
          }),
        );
  return winston.createLogger({
    level: config.log.level,
    format,
    transports: transports ?? [new winston.transports.Console({ stderrLevels: ['error', 'warn'] })],
  });
}
