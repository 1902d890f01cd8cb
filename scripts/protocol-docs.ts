// Generates docs/protocol.md from the message descriptors and the error table, so the
// reference cannot drift from the code. `npm run docs:protocol` writes it; the test
// suite fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { renderProtocolReference } from '../src/core/protocol/reference.js';
import { MESSAGES, ROUTES } from '../src/handlers.js';

writeFileSync('docs/protocol.md', renderProtocolReference(MESSAGES, ROUTES));
console.log('wrote docs/protocol.md');
