// docs/asyncapi.yaml and docs/openapi.yaml are generated from the descriptors: they must
// match the code, and each must pass the parser of its own ecosystem.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Parser } from '@asyncapi/parser';
import { validate } from '@readme/openapi-parser';
import { parse } from 'yaml';
import { MESSAGES, ROUTES } from '../../src/handlers.js';
import { PROTOCOL_DOCUMENTS } from '../../scripts/protocol-documents.js';

describe('generated protocol documents', () => {
  for (const [file, render] of Object.entries(PROTOCOL_DOCUMENTS)) {
    it(`${file} is up to date (run \`npm run docs:protocol\` after changing a descriptor)`, () => {
      assert.equal(readFileSync(file, 'utf8'), render());
    });
  }

  it('docs/asyncapi.yaml is a valid AsyncAPI 3.0 document with every message, reply and push', async () => {
    const { document, diagnostics } = await new Parser().parse(readFileSync('docs/asyncapi.yaml', 'utf8'));
    const errors = diagnostics.filter((d) => d.severity === 0);
    assert.deepEqual(errors.map((d) => `${d.path.join('.')}: ${d.message}`), []);
    assert.ok(document);
    assert.equal(document.version(), '3.0.0');
    const ids = new Set(document.messages().all().map((m) => m.id()));
    for (const message of MESSAGES) {
      for (const part of ['request', 'reply', 'error', ...Object.keys(message.pushes ?? {})]) assert.ok(ids.has(`${message.type}.${part}`), `${message.type}.${part}`);
    }
  });

  it('docs/openapi.yaml is a valid OpenAPI 3.1 document with every route', async () => {
    const result = await validate('docs/openapi.yaml');
    const spec = parse(readFileSync('docs/openapi.yaml', 'utf8')) as { openapi: string; paths: Record<string, unknown> };
    assert.deepEqual(result.valid ? [] : result.errors, []);
    assert.equal(spec.openapi, '3.1.0');
    assert.deepEqual(Object.keys(spec.paths).sort(), ROUTES.map((r) => r.path).sort());
  });
});
