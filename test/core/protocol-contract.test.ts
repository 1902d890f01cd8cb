// The test client checks every frame against the message descriptors (test/support/contract.ts);
// these cases show that the check catches drift rather than passing everything.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contractViolation } from '../support/contract.js';

const frame = (fields: Record<string, unknown>) => ({ type: 'hall.unsubscribe', eid: 'e1', ts: 1, status: 'success', data: null, error: null, ...fields });

describe('protocol contract check', () => {
  it('accepts a reply that matches its schema', () => {
    assert.equal(contractViolation(frame({ data: { unsubscribed: 1 } }), true), null);
  });

  it('rejects a reply whose data drifted from its schema', () => {
    assert.match(contractViolation(frame({ data: null }), true) ?? '', /hall.unsubscribe reply does not match/);
    assert.match(contractViolation(frame({ data: { unsubscribed: 1, extra: true } }), true) ?? '', /does not match/);
  });

  it('rejects a push of a message that documents no pushes, and of an undocumented type', () => {
    assert.match(contractViolation(frame({ status: 'update', data: { unsubscribed: 1 } }), false) ?? '', /no documented update push/);
    assert.match(contractViolation(frame({ type: 'hall.teleport' }), true) ?? '', /undocumented type/);
  });

  it('checks pushes against their own schema, not the reply', () => {
    const update = { id: 1, showing_id: null, version: 2, seats: [{ id: 3, status: 'OCCUPIED', updated_at: new Date().toISOString() }], seat_types: [] };
    assert.equal(contractViolation(frame({ type: 'hall.subscribe', status: 'update', data: update }), false), null);
    assert.match(contractViolation(frame({ type: 'hall.subscribe', status: 'update', data: { ...update, seats: [{ id: 3, status: 'RESERVED' }] } }), false) ?? '', /push does not match/);
  });

  it('accepts errors from the error table only, with a message', () => {
    assert.equal(contractViolation(frame({ status: 'error', error: 'NotSubscribed', data: { message: 'no' } }), true), null);
    assert.match(contractViolation(frame({ status: 'error', error: 'Oops', data: { message: 'no' } }), true) ?? '', /unknown code/);
    assert.match(contractViolation(frame({ status: 'error', error: 'NotSubscribed', data: {} }), true) ?? '', /error data/);
  });
});
