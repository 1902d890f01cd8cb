// The API key module: keys for machine clients of the box-office REST API (create, list,
// revoke; recognise a request's key, rate-limit it per key).
import type { Logger } from '../../core/logger.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { createApiKeyHandlers } from './apikey.controller.js';
import { createApiKeyModel } from './apikey.model.js';
import { createApiKeyService } from './apikey.service.js';

export { apiKeyMessages } from './apikey.controller.js';
export { API_KEY_COMMAND_USAGE, parseApiKeyCommand, runApiKeyCommand, type ApiKeyCommand } from './apikey-commands.js';
export type { ApiKeyService } from './apikey.service.js';
export * from './apikey.types.js';

export function createApiKeyModule(deps: { prisma: PrismaClient; logger: Logger; rate: { ratePerSecond: number; burst: number }; now?: () => number }) {
  const service = createApiKeyService({ model: createApiKeyModel(deps.prisma), logger: deps.logger, rate: deps.rate, now: deps.now });
  return { service, handlers: createApiKeyHandlers(service) };
}
