// Outage reports are throttled per server, not per logger: every HTTP request and every
// connection logs through a child logger of its own, and an outage must still be one line
// per 10 s, not one per failed request.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutageReporter } from '../../../src/core/db/unavailable.js';
import { createLogger } from '../../../src/core/logger.js';
import { CapturedLogs } from '../../support/log-capture.js';

describe('OutageReporter', () => {
  it('reports an outage once per 10 s across request loggers, then counts what it held back', () => {
    const captured = new CapturedLogs();
    const logger = createLogger({ log: { level: 'info', format: 'json' } }, [captured]);
    let now = 1_000_000;
    const outages = new OutageReporter(() => now);
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:5432');

    for (let i = 0; i < 22; i++) {
      const error = outages.report(refused, logger.child({ request: `r${i}` }));
      assert.deepEqual([error.code, error.details], ['ServiceUnavailable', { retry_after: 2 }]);
    }
    now += 9_999;
    outages.report(refused, logger);
    assert.equal(captured.lines.length, 1, captured.text());
    const first = JSON.parse(captured.lines[0]!);
    assert.deepEqual([first.message, first.request, first.error], ['database unavailable', 'r0', refused.message]);

    now += 1;
    outages.report(refused, logger.child({ request: 'later' }));
    assert.equal(captured.lines.length, 2, captured.text());
    assert.equal(JSON.parse(captured.lines[1]!).failed_since_last_report, 22);
    assert.ok(!captured.text().includes('    at '), 'no stack in an outage report');
  });
});
