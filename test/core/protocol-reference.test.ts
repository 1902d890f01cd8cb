// docs/protocol.md is generated from the descriptors (protocol-documents.test.ts checks
// it is current): every message type once, with its access and errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MESSAGES } from '../../src/handlers.js';

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
});
