// Every socket message and HTTP route the server answers, by module: the contract the
// generated references (docs/protocol.md, docs/asyncapi.yaml, docs/openapi.yaml), the
// pages' types and the tests read.
import { apiKeyMessages } from './modules/apikey/index.js';
import { REST_ROUTES } from './modules/boxoffice/index.js';
import { cinemaMessages } from './modules/cinema/index.js';
import { hallMessages } from './modules/hall/index.js';
import { holdMessages } from './modules/hold/index.js';
import { webhookMessages } from './modules/outbound/index.js';
import { seatMessages } from './modules/seat/index.js';
import { showingMessages } from './modules/showing/index.js';
import { enrolmentRouteDescriptors, reenrolmentMessages, userMessages, userRouteDescriptors } from './modules/user/index.js';

export const MESSAGES = [
  ...Object.values(cinemaMessages),
  ...Object.values(hallMessages),
  ...Object.values(seatMessages),
  ...Object.values(showingMessages),
  ...Object.values(holdMessages),
  ...Object.values(userMessages),
  ...Object.values(reenrolmentMessages),
  ...Object.values(webhookMessages),
  ...Object.values(apiKeyMessages),
];

export const ROUTES = [...Object.values(userRouteDescriptors), ...Object.values(enrolmentRouteDescriptors)];

/** The box-office REST API (/api/v1), in docs/openapi.yaml beside ROUTES. */
export { REST_ROUTES };
