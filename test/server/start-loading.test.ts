// What an embedded start loads (docs/performance.md, scenario 5): packages needed only in
// server mode or on first use stay out of the bundle's static imports and out of its
// bundled code, so evaluating them never costs a start. esbuild lifts every static import
// of the bundle to its top, so one stray `import ... from 'otplib'` anywhere in src/ would
// bring the package back into every start; this test catches it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { buildServer, SERVER_BUNDLE, serverBundleIsStale } from '../../scripts/build-server.mjs';

/** Loaded on first use or in server mode only (name as imported, and its folder in node_modules). */
const LATER = ['pg', '@prisma/adapter-pg', 'mqtt', 'qrcode', 'otplib'];
/** And what those bring: otplib's base32 and hash packages. */
const THEIR_OWN = ['@otplib/core', '@scure/base', '@noble/hashes'];

describe('what a start loads', () => {
  let bundle = '';
  let sources: string[] = [];
  before(async () => {
    if (serverBundleIsStale()) await buildServer();
    bundle = readFileSync(SERVER_BUNDLE, 'utf8');
    sources = (JSON.parse(readFileSync(`${SERVER_BUNDLE}.map`, 'utf8')) as { sources: string[] }).sources;
  });

  it('imports none of the later packages statically', () => {
    const staticImports = [...bundle.matchAll(/^import\s(?:[^'"]*\sfrom\s)?"([^"]+)"/gm)].map((match) => match[1]!);
    assert.ok(staticImports.includes('@electric-sql/pglite'), 'the pattern finds the static imports');
    for (const name of [...LATER, ...THEIR_OWN]) {
      assert.ok(!staticImports.some((spec) => spec === name || spec.startsWith(`${name}/`)), `${name} is imported statically`);
    }
    for (const name of LATER) {
      assert.match(bundle, new RegExp(`import\\("${name.replace('/', '\\/')}"\\)`), `${name} is loaded with import() where it is used`);
    }
  });

  it('bundles none of their code', () => {
    for (const name of [...LATER, ...THEIR_OWN]) {
      assert.ok(!sources.some((source) => source.includes(`node_modules/${name}/`)), `${name} is in the bundle`);
    }
  });
});
