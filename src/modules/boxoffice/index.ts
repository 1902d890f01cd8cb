// The box-office module: the REST API (/api/v1) a ticketing system calls with an API key,
// over the same services the socket uses, with Idempotency-Key records in the database.
import type { Express } from 'express';
import type { Logger } from '../../core/logger.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { ApiKeyService } from '../apikey/index.js';
import { mountRestApi } from './boxoffice.api.js';
import { createRestHandlers, type BoxOfficeServices } from './boxoffice.handlers.js';
import { createBoxOfficeModel } from './boxoffice.model.js';
import { createIdempotencyStore } from './idempotency.js';

export { REST_ROUTES, restRoutes } from './boxoffice.routes.js';
export type { BoxOfficeServices } from './boxoffice.handlers.js';

/** Idempotency records past their retention are deleted this often (by every instance; the delete is idempotent). */
const CLEAN_UP_EVERY_MS = 3_600_000;

export function createBoxOfficeModule(deps: {
  prisma: PrismaClient;
  logger: Logger;
  keys: ApiKeyService;
  services: BoxOfficeServices;
  idempotency: { leaseSeconds: number; keepHours: number };
}) {
  const idempotency = createIdempotencyStore(deps.prisma, deps.idempotency);
  const handlers = createRestHandlers(deps.services, createBoxOfficeModel(deps.prisma));
  let timer: NodeJS.Timeout | undefined;
  const cleanUp = () =>
    void idempotency
      .cleanUp()
      .then((deleted) => deleted > 0 && deps.logger.info('idempotency records expired', { deleted }))
      .catch((error: unknown) => deps.logger.warn('idempotency clean-up failed', { error: error instanceof Error ? error.message : String(error) }));
  return {
    mount: (app: Express) => mountRestApi(app, { keys: deps.keys, idempotency, handlers, logger: deps.logger }),
    start(): void {
      cleanUp();
      timer = setInterval(cleanUp, CLEAN_UP_EVERY_MS);
      timer.unref();
    },
    close(): void {
      clearInterval(timer);
    },
  };
}
