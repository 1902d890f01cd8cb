import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HistoryRing } from '../../src/core/history-ring.js';

const entries = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ version: from + i }));

describe('history ring', () => {
  it('returns exactly the entries after a version while it holds them all', () => {
    const ring = new HistoryRing<{ version: number }>(4);
    for (const e of entries(1, 6)) ring.push(e);
    assert.deepEqual(ring.from(3)?.map((e) => e.version), [4, 5, 6]);
    assert.deepEqual(ring.from(2)?.map((e) => e.version), [3, 4, 5, 6]);
    assert.deepEqual(ring.from(6), []);
  });

  it('answers null when the oldest needed entry was overwritten or is from the future', () => {
    const ring = new HistoryRing<{ version: number }>(4);
    for (const e of entries(1, 6)) ring.push(e);
    assert.equal(ring.from(1), null);
    assert.equal(ring.from(7), null);
    assert.equal(new HistoryRing(3).from(0), null);
  });

  it('drops everything on a version jump rather than serve a gap', () => {
    const ring = new HistoryRing<{ version: number }>(8);
    for (const e of entries(1, 3)) ring.push(e);
    ring.push({ version: 10 });
    assert.equal(ring.from(2), null);
    assert.deepEqual(ring.from(9)?.map((e) => e.version), [10]);
  });
});
