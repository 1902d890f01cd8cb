// docs/protocol.md is generated from the descriptors (protocol-documents.test.ts checks
// it is current): every message type once, with its access and errors; and the server
// answers exactly the documented messages.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MESSAGES } from '../../src/handlers.js';
import { createApiKeyHandlers } from '../../src/modules/apikey/apikey.controller.js';
import { createCinemaHandlers } from '../../src/modules/cinema/cinema.controller.js';
import { createHallHandlers } from '../../src/modules/hall/hall.controller.js';
import { createSeatHandlers } from '../../src/modules/seat/seat.controller.js';
import { createShowingHandlers } from '../../src/modules/showing/showing.controller.js';
import { createHoldHandlers } from '../../src/modules/hold/hold.controller.js';
import { createUserHandlers } from '../../src/modules/user/user.controller.js';
import { createReenrolmentHandlers } from '../../src/modules/user/reenrolment.controller.js';
import { createWebhookHandlers } from '../../src/modules/outbound/webhook.controller.js';

describe('protocol reference', () => {
  it('documents every message type once, with its access and errors', () => {
    const doc = readFileSync('docs/protocol.md', 'utf8');
    const types: string[] = MESSAGES.map((m) => m.type);
    assert.equal(new Set(types).size, types.length);
    for (const type of types) assert.match(doc, new RegExp(`### \\\`${type.replace('.', '\\.')}\\\``));
    for (const required of ['hall.subscribe', 'hall.update_seat_status', 'cinemas.get_cinemas', 'user.subscribe', 'hall.history']) {
      assert.ok(types.includes(required), required);
    }
  });

  it('has a handler for every documented message and a descriptor for every handler', () => {
    // Building handlers runs no handler: the services are never called here.
    const handlers = [
      ...createCinemaHandlers(undefined as never, undefined as never),
      ...createHallHandlers(undefined as never, undefined as never),
      ...createSeatHandlers(undefined as never),
      ...createShowingHandlers(undefined as never, undefined as never, undefined as never, undefined as never),
      ...createHoldHandlers(undefined as never),
      ...createUserHandlers({} as never),
      ...createReenrolmentHandlers(undefined as never),
      ...createWebhookHandlers({} as never),
      ...createApiKeyHandlers(undefined as never),
    ];
    assert.deepEqual(handlers.map((h) => h.type).sort(), MESSAGES.map((m) => m.type).sort());
    for (const handler of handlers) {
      const message = MESSAGES.find((m) => m.type === handler.type)!;
      assert.equal(handler.data, message.data, handler.type);
      assert.equal(handler.reply, message.reply, handler.type);
    }
  });
});
