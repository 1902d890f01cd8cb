// Bundles the server (src/index.ts and every module of src/ it imports) into one
// JavaScript file, dist/server.js, and the command lines (scripts/user.ts, scripts/api-key.ts)
// into dist/user.js and dist/api-key.js, which the production image runs without sources or a TypeScript loader, so `npm start` does not compile TypeScript on every
// start: under tsx that took ~1.5-3 s of a cold start (docs/performance.md, scenario 5).
// Most packages stay in node_modules: they are JavaScript already, and PGlite and Prisma
// find their WebAssembly next to their own files. The pure-JavaScript packages every start
// loads (BUNDLED) go into the bundle: resolving and loading their ~300 files one by one
// (package.json reads, the CommonJS loader, the ESM wrapper of each) cost ~0.2 s of CPU
// of each start on this box.
// Plain JavaScript, not TypeScript: scripts/start.mjs runs it before any loader exists.
// `node scripts/build-server.mjs` builds; postinstall and scripts/start.mjs call it too.
import { mkdirSync, readdirSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SERVER_BUNDLE = join(PROJECT_ROOT, 'dist', 'server.js');
/** Loaded by every start, plain JavaScript, no files of their own read at run time. */
const BUNDLED = new Set(['express', 'zod', 'winston', 'prom-client', 'ws', 'jsonwebtoken', 'otplib', 'cookie', 'cookie-parser', 'cors', 'proxy-addr']);

/** Every other package, and any package's dynamic `import()` (loaded on first use), stays in node_modules. */
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.split('/').slice(0, args.path.startsWith('@') ? 2 : 1).join('/');
      if (args.path.startsWith('node:') || args.kind === 'dynamic-import' || !BUNDLED.has(name)) return { path: args.path, external: true };
      return undefined;
    });
  },
};

const SOURCES = [join(PROJECT_ROOT, 'package-lock.json'), join(PROJECT_ROOT, 'src'), join(PROJECT_ROOT, 'scripts/user.ts'), join(PROJECT_ROOT, 'scripts/api-key.ts'), join(PROJECT_ROOT, 'scripts/admin-command.ts'), join(PROJECT_ROOT, 'tsconfig.json'), fileURLToPath(import.meta.url)];

/** Newest modification time among the bundle's inputs: a few ms for ~100 files. */
function newestSourceMtime() {
  let newest = 0;
  for (const source of SOURCES) {
    const stats = statSync(source);
    if (!stats.isDirectory()) {
      newest = Math.max(newest, stats.mtimeMs);
      continue;
    }
    for (const entry of readdirSync(source, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/** True when the bundle is missing or older than a source (an edit after the last build). */
export function serverBundleIsStale() {
  let built;
  try {
    built = statSync(SERVER_BUNDLE).mtimeMs;
  } catch (error) {
    if (error.code === 'ENOENT') return true;
    throw error;
  }
  return built < newestSourceMtime();
}

export async function buildServer() {
  const started = new Date();
  // esbuild is imported only when a build is needed: a fresh bundle starts without it.
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: PROJECT_ROOT,
    // Built together, so the server bundle's age stands for both.
    entryPoints: [
      { in: 'src/index.ts', out: 'server' },
      { in: 'scripts/user.ts', out: 'user' },
      { in: 'scripts/api-key.ts', out: 'api-key' },
    ],
    outdir: join(PROJECT_ROOT, 'dist'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    plugins: [externalPackages],
    // The bundled CommonJS packages `require` Node's modules (and try optional packages,
    // e.g. ws's bufferutil), which an ES module has no `require` for.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    // Stack traces keep our names; `NODE_OPTIONS=--enable-source-maps` maps them to src/.
    sourcemap: 'linked',
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(join(PROJECT_ROOT, 'dist'), { recursive: true });
  // Written aside and renamed into place, the map before the code: several processes may
  // build at once (tests starting servers), and none may load half a file.
  const outputs = [...result.outputFiles].sort((a, b) => Number(b.path.endsWith('.map')) - Number(a.path.endsWith('.map')));
  for (const output of outputs) {
    const partial = `${output.path}.${process.pid}.partial`;
    writeFileSync(partial, output.contents);
    // Stamped with the build's start: a source saved during the build counts as newer.
    utimesSync(partial, started, started);
    renameSync(partial, output.path);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildServer();
