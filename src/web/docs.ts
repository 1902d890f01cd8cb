// Serves the API reference under /docs/: the generated documents (docs/asyncapi.yaml,
// docs/openapi.yaml, docs/protocol.md) and an interactive viewer for each (swagger-ui
// for OpenAPI, the standalone bundle of @asyncapi/react-component for AsyncAPI). The
// pages and the viewers' files are copied into web/dist/docs by the page build
// (scripts/build-web.ts), so the viewer packages are dev dependencies; nothing is loaded
// from another site.
import { join } from 'node:path';
import express, { type Express, type Response } from 'express';
import { PROJECT_ROOT } from '../core/project-root.js';

const DOCUMENTS_DIR = join(PROJECT_ROOT, 'docs');
const BUILT_DIR = join(PROJECT_ROOT, 'web/dist/docs');

const PAGES: Record<string, string> = { '/docs': 'index.html', '/docs/http': 'http.html', '/docs/socket': 'socket.html' };
const DOCUMENTS: Record<string, string> = { 'asyncapi.yaml': 'application/yaml', 'openapi.yaml': 'application/yaml', 'protocol.md': 'text/markdown' };

// Like the pages' policy, but the viewers set inline styles; they fetch only this origin.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; connect-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";
/** The AsyncAPI viewer validates the document with ajv, which compiles validators with `new Function`. */
const SOCKET_VIEWER_POLICY = CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'");

export function mountApiDocs(app: Express): void {
  for (const [route, file] of Object.entries(PAGES)) {
    app.get(route, (_request, response) => {
      setHeaders(response, route === '/docs/socket' ? SOCKET_VIEWER_POLICY : CONTENT_SECURITY_POLICY);
      response.sendFile(join(BUILT_DIR, file));
    });
  }
  for (const [file, type] of Object.entries(DOCUMENTS)) {
    app.get(`/docs/${file}`, (_request, response) => {
      setHeaders(response);
      response.type(type).sendFile(join(DOCUMENTS_DIR, file));
    });
  }
  // The pages' script and stylesheet (assets/) and the viewers (vendor/).
  for (const folder of ['assets', 'vendor']) {
    app.use(`/docs/${folder}`, express.static(join(BUILT_DIR, folder), { index: false, fallthrough: false, setHeaders: (response) => setHeaders(response) }));
  }
}

function setHeaders(response: Response, policy = CONTENT_SECURITY_POLICY): void {
  response.set({ 'Content-Security-Policy': policy, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' });
}
