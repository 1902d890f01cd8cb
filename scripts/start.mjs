// `npm start`: runs the server from dist/server.js, the bundle of src/ (see
// build-server.mjs), rebuilding it first when a source is newer, so an edit is never
// served stale. One process: node runs this file and the bundle in it, so the server's
// pid is the one `npm start` shows and signals reach it directly.
import { setFlagsFromString } from 'node:v8';
import { pathToFileURL } from 'node:url';
import { buildServer, SERVER_BUNDLE, serverBundleIsStale } from './build-server.mjs';

// WebAssembly compiled on the calling thread, as `new WebAssembly.Module` does. With V8's
// default background compilation, PGlite's 8.7 MB module cost ~0.5 s more CPU at every
// start, and after it the main thread sat blocked 0.2-0.5 s waiting for V8's worker
// threads (strace: a futex wait; the CPU profile: idle), longer the busier the machine.
// The server compiles WebAssembly only while starting, when nothing else could run anyway.
setFlagsFromString('--no-wasm-async-compilation');

if (serverBundleIsStale()) await buildServer();
await import(pathToFileURL(SERVER_BUNDLE).href);
