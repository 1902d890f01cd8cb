// Every socket message type and HTTP endpoint the server answers, for the generated protocol reference.
import type { MessageHandler } from './core/protocol/handler.js';
import { describeCinemaHandlers } from './modules/cinema/index.js';
import { describeHallHandlers } from './modules/hall/index.js';
import { describeSeatHandlers } from './modules/seat/index.js';
import { describeUserHandlers, USER_HTTP_ENDPOINTS } from './modules/user/index.js';

export function allHandlerDefinitions(): MessageHandler[] {
  return [...describeCinemaHandlers(), ...describeHallHandlers(), ...describeSeatHandlers(), ...describeUserHandlers()];
}

export function allHttpEndpoints() {
  return USER_HTTP_ENDPOINTS;
}
