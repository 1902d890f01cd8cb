// Serves the API reference under /docs/: the generated documents (docs/asyncapi.yaml,
// docs/openapi.yaml, docs/protocol.md) and an interactive viewer for each, from npm
// packages installed with the server (swagger-ui-dist for OpenAPI, the standalone bundle
// of @asyncapi/react-component for AsyncAPI): nothing is loaded from another site.
import { join } from 'node:path';
import express, { type Express, type Response } from 'express';
import { PROJECT_ROOT } from '../core/project-root.js';

const DOCS_DIR = join(PROJECT_ROOT, 'docs');
const PAGES_DIR = join(PROJECT_ROOT, 'web/docs');
const MODULES_DIR = join(PROJECT_ROOT, 'node_modules');

const PAGES: Record<string, string> = { '/docs': 'index.html', '/docs/http': 'http.html', '/docs/socket': 'socket.html' };
const DOCUMENTS: Record<string, string> = { 'asyncapi.yaml': 'application/yaml', 'openapi.yaml': 'application/yaml', 'protocol.md': 'text/markdown' };
/** The viewers' files, by the URL they are served under. */
const VENDOR: Record<string, string> = {
  'swagger-ui/swagger-ui-bundle.js': 'swagger-ui-dist/swagger-ui-bundle.js',
  'swagger-ui/swagger-ui.css': 'swagger-ui-dist/swagger-ui.css',
  'asyncapi/index.js': '@asyncapi/react-component/browser/standalone/index.js',
  'asyncapi/default.min.css': '@asyncapi/react-component/styles/default.min.css',
};

// Like the pages' policy, but the viewers set inline styles; they fetch only this origin.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; connect-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";
/** The AsyncAPI viewer validates the document with ajv, which compiles validators with `new Function`. */
const SOCKET_VIEWER_POLICY = CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'");

export function mountApiDocs(app: Express): void {
  for (const [route, file] of Object.entries(PAGES)) {
    app.get(route, (_request, response) => {
      setHeaders(response, route === '/docs/socket' ? SOCKET_VIEWER_POLICY : CONTENT_SECURITY_POLICY);
      response.sendFile(join(PAGES_DIR, file));
    });
  }
  for (const [file, type] of Object.entries(DOCUMENTS)) {
    app.get(`/docs/${file}`, (_request, response) => {
      setHeaders(response);
      response.type(type).sendFile(join(DOCS_DIR, file));
    });
  }
  for (const [route, file] of Object.entries(VENDOR)) {
    app.get(`/docs/vendor/${route}`, (_request, response) => {
      setHeaders(response);
      response.sendFile(join(MODULES_DIR, file));
    });
  }
  app.use('/docs/assets', express.static(PAGES_DIR, { index: false, fallthrough: false }));
}

function setHeaders(response: Response, policy = CONTENT_SECURITY_POLICY): void {
  response.set({ 'Content-Security-Policy': policy, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' });
}
