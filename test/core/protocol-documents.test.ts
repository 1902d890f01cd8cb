// docs/asyncapi.yaml and docs/openapi.yaml are generated from the descriptors: they must
// match the code, and each must pass the parser of its own ecosystem.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Parser } from '@asyncapi/parser';
import { validate } from '@readme/openapi-parser';
import { parse } from 'yaml';
import { MESSAGES, REST_ROUTES, ROUTES } from '../../src/handlers.js';
import { PROTOCOL_DOCUMENTS } from '../../scripts/protocol-documents.js';

// No database here: it runs in the PGlite run only.
describe('generated protocol documents', { skip: process.env.TEST_DATABASE_URL ? 'runs on PGlite only' : false }, () => {
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

  it("docs/asyncapi.yaml describes the original client's dialect: RESERVED, null error data, no answer to an unsubscribe", () => {
    const spec = parse(readFileSync('docs/asyncapi.yaml', 'utf8')) as { channels: Record<string, { messages: Record<string, { payload: { properties: { data: unknown } } }> }> };
    const original = spec.channels.original!.messages;
    const seats = original['hall.get.reply']!.payload.properties.data as { properties: { seats: { items: { properties: { status: { enum: string[] } } } } } };
    assert.deepEqual(seats.properties.seats.items.properties.status.enum, ['VACANT', 'RESERVED']);
    assert.deepEqual(original['hall.get.error']!.payload.properties.data, { type: 'null' });
    assert.equal(original['hall.unsubscribe.reply'], undefined);
    assert.ok(spec.channels.seats!.messages['hall.unsubscribe.reply']);
  });

  it('docs/openapi.yaml is a valid OpenAPI 3.1 document with every route', async () => {
    const result = await validate('docs/openapi.yaml');
    const spec = parse(readFileSync('docs/openapi.yaml', 'utf8')) as { openapi: string; paths: Record<string, unknown> };
    assert.deepEqual(result.valid ? [] : result.errors, []);
    assert.equal(spec.openapi, '3.1.0');
    assert.deepEqual(Object.keys(spec.paths).sort(), [...new Set([...ROUTES, ...REST_ROUTES].map((r) => r.path))].sort());
  });

  it('docs/openapi.yaml lists every REST route with its method, the bearer scheme, and Idempotency-Key on every mutating one', () => {
    type Operation = { security?: object[]; parameters?: { name: string; in: string; required: boolean }[]; responses: Record<string, { content?: Record<string, unknown> }> };
    const spec = parse(readFileSync('docs/openapi.yaml', 'utf8')) as {
      paths: Record<string, Record<string, Operation>>;
      components: { securitySchemes: Record<string, { type: string; scheme?: string }> };
    };
    assert.deepEqual(spec.components.securitySchemes.apiKey, { ...spec.components.securitySchemes.apiKey, type: 'http', scheme: 'bearer' });
    const listed = Object.entries(spec.paths).flatMap(([path, methods]) => Object.keys(methods).filter(() => path.startsWith('/api/v1/')).map((m) => `${m} ${path}`));
    assert.deepEqual(listed.sort(), REST_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    for (const route of REST_ROUTES) {
      const operation = spec.paths[route.path]![route.method]!;
      assert.deepEqual(operation.security, [{ apiKey: [] }], route.operationId);
      const idempotency = operation.parameters?.find((p) => p.name === 'Idempotency-Key');
      assert.equal(idempotency?.required, route.method === 'get' ? undefined : true, route.operationId);
      assert.ok(operation.responses['401']!.content!['application/problem+json'], route.operationId);
    }
    const markSeats = spec.paths['/api/v1/showings/{id}/seats']!.post!;
    assert.ok(markSeats.parameters!.some((p) => p.name === 'If-Match' && p.in === 'header'));
    assert.ok(markSeats.responses['412']);
    assert.ok(spec.paths['/api/v1/showings/{id}/seats']!.get!.responses['304']);
  });
});
