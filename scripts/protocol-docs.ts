// Generates docs/protocol.md from the handlers' zod schemas and metadata and the error
// table, so the reference cannot drift from the code. `npm run docs:protocol` writes it;
// the test suite fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { renderProtocolReference } from '../src/core/protocol/reference.js';
import { allHandlerDefinitions, allHttpEndpoints } from '../src/handlers.js';

writeFileSync('docs/protocol.md', renderProtocolReference(allHandlerDefinitions(), allHttpEndpoints()));
console.log('wrote docs/protocol.md');
