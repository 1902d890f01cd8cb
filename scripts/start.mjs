// `npm start`: runs the server from dist/server.js, the bundle of src/ (see
// build-server.mjs), rebuilding it first when a source is newer, so an edit is never
// served stale. With NODE_ENV=production it never rebuilds: it runs the bundle it was
// shipped with, from a code folder it must not write to (the image has no src/ and no
// esbuild binary, and its code folder is read-only to the server). One process: node runs this file and the bundle in it, so the server's
// pid is the one `npm start` shows and signals reach it directly.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { pathToFileURL } from 'node:url';
import { buildServer, SERVER_BUNDLE, serverBundleIsStale } from './build-server.mjs';

// WebAssembly compiled on the calling thread, as `new WebAssembly.Module` does. With V8's
// default background compilation, PGlite's 8.7 MB module cost ~0.5 s more CPU at every
// start, and after it the main thread sat blocked 0.2-0.5 s waiting for V8's worker
// threads (strace: a futex wait; the CPU profile: idle), longer the busier the machine.
// The server compiles WebAssembly only while starting, when nothing else could run anyway.
setFlagsFromString('--no-wasm-async-compilation');
// PostgreSQL's functions that run hot while PGlite opens are recompiled by V8's optimising
// compiler on background threads, by default as many as V8 has (4 here): ~1.5-2 s of CPU
// in the first two seconds, which on a 2-core machine took the main thread's core from it
// (its time queued for a CPU: ~0.3 s of an existing folder's start, ~0.9 s of a new one's).
// One compilation thread leaves the main thread a core; the functions still get optimised,
// in turn (start to first snapshot, docs/performance.md: 2.28 -> 1.97 s and 3.03 -> 2.46 s).
setFlagsFromString('--wasm-num-compilation-tasks=1');
// A function of PGlite's 8.7 MB module is validated when it is first compiled, as it is
// compiled lazily anyway, instead of all of them while the module is decoded: PGlite's
// open ~40 ms shorter (5 interleaved pairs under SCHED_RR, medians 697 -> 655 ms). The
// module is the package's own; one that failed validation would fail at a function's
// first call instead of at the start.
setFlagsFromString('--wasm-lazy-validation');

if (process.env.NODE_ENV === 'production') {
  if (!existsSync(SERVER_BUNDLE)) {
    console.error(`${SERVER_BUNDLE} is missing: build it with \`npm run build\` before a production start`);
    process.exit(1);
  }
} else if (serverBundleIsStale()) {
  await buildServer();
}
await import(pathToFileURL(SERVER_BUNDLE).href);
