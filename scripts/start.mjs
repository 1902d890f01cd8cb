// `npm start`: runs the server from dist/server.js, the bundle of src/ (see
// build-server.mjs), rebuilding it first when a source is newer, so an edit is never
// served stale. One process: node runs this file and the bundle in it, so the server's
// pid is the one `npm start` shows and signals reach it directly.
import { pathToFileURL } from 'node:url';
import { buildServer, SERVER_BUNDLE, serverBundleIsStale } from './build-server.mjs';

if (serverBundleIsStale()) await buildServer();
await import(pathToFileURL(SERVER_BUNDLE).href);
