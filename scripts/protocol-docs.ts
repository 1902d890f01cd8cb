// Generates the protocol references from the message and route descriptors and the
// error table, so they cannot drift from the code: docs/protocol.md (the readable one),
// docs/asyncapi.yaml (AsyncAPI 3.0, the socket) and docs/openapi.yaml (OpenAPI 3.1,
// HTTP). `npm run docs:protocol` writes them; the test suite fails when one is stale.
import { writeFileSync } from 'node:fs';
import { PROTOCOL_DOCUMENTS } from './protocol-documents.js';

for (const [file, render] of Object.entries(PROTOCOL_DOCUMENTS)) {
  writeFileSync(file, render());
  console.log(`wrote ${file}`);
}
