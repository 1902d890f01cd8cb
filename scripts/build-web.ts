// Bundles the pages (web/) into web/dist: each page's script and stylesheet under
// assets/, its HTML at the top; and the API reference pages (web/docs/) into docs/, with
// the viewers' prebuilt browser files under docs/vendor/. Those come from two dev
// dependencies, so the production node_modules never holds the packages (they
// installed 126 MB). Run by `npm run build:web`, and by the server on first start when
// web/dist is missing (src/web/pages.ts).
import { copyFile, cp, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from '../src/core/project-root.js';

// From the project root, not this file: the server's bundle (dist/server.js) includes this module.
const WEB_DIR = join(PROJECT_ROOT, 'web');
export const DEFAULT_DIST_DIR = join(WEB_DIR, 'dist');

const ENTRY_POINTS = [
  { in: 'pages/display/hall-display.ts', out: 'display-hall' },
  { in: 'pages/display/display-index.ts', out: 'display-index' },
  { in: 'pages/display/cinema-board.ts', out: 'display-cinema' },
  { in: 'pages/staff/staff.ts', out: 'staff' },
  { in: 'styles/display.css', out: 'display' },
  { in: 'styles/board.css', out: 'board' },
  { in: 'styles/staff.css', out: 'staff' },
];

/** The viewers' files the docs pages load, by their path under docs/vendor/, with the licences the bundles point to. */
const DOCS_VENDOR: Record<string, string> = {
  'swagger-ui/swagger-ui-bundle.js': 'swagger-ui-dist/swagger-ui-bundle.js',
  'swagger-ui/swagger-ui-bundle.js.LICENSE.txt': 'swagger-ui-dist/swagger-ui-bundle.js.LICENSE.txt',
  'swagger-ui/swagger-ui.css': 'swagger-ui-dist/swagger-ui.css',
  'swagger-ui/LICENSE': 'swagger-ui-dist/LICENSE',
  'swagger-ui/NOTICE': 'swagger-ui-dist/NOTICE',
  'asyncapi/index.js': '@asyncapi/react-component/browser/standalone/index.js',
  'asyncapi/index.js.LICENSE.txt': '@asyncapi/react-component/browser/standalone/index.js.LICENSE.txt',
  'asyncapi/default.min.css': '@asyncapi/react-component/styles/default.min.css',
  'asyncapi/LICENSE': '@asyncapi/react-component/LICENSE',
};

/**
 * `replace: false` is for a server building on start: if another process finished a build
 * first, that one stays. `npm run build:web` replaces whatever is there.
 */
export async function buildWebPages(outDir: string = DEFAULT_DIST_DIR, { replace = true }: { replace?: boolean } = {}): Promise<void> {
  // Built beside and swapped in whole, so a server never serves half a build.
  const staging = `${outDir}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  // Imported here, not at the top: the server's bundle includes this module, and must not
  // load esbuild on every start for a build it almost never runs.
  const { build } = await import('esbuild');
  await build({
    absWorkingDir: WEB_DIR,
    entryPoints: ENTRY_POINTS,
    outdir: join(staging, 'assets'),
    bundle: true,
    format: 'esm',
    // Lobby TVs run old browsers longer than phones do.
    target: ['chrome100', 'firefox100', 'safari15'],
    minify: true,
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  for (const name of await readdir(WEB_DIR)) {
    if (name.endsWith('.html')) await copyFile(join(WEB_DIR, name), join(staging, basename(name)));
  }
  await copyDocs(join(staging, 'docs'));
  await mkdir(dirname(outDir), { recursive: true });
  if (replace) await rm(outDir, { recursive: true, force: true });
  try {
    await rename(staging, outDir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // Renaming onto a directory that is not empty fails: another process built it first.
    if (replace || !['ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  }
}

/** The docs pages' HTML at the top of `docsDir`, their script and stylesheet under assets/, the viewers under vendor/. */
async function copyDocs(docsDir: string): Promise<void> {
  const pagesDir = join(WEB_DIR, 'docs');
  await mkdir(join(docsDir, 'assets'), { recursive: true });
  for (const name of await readdir(pagesDir)) {
    await copyFile(join(pagesDir, name), join(docsDir, name.endsWith('.html') ? name : join('assets', name)));
  }
  const modulesDir = join(PROJECT_ROOT, 'node_modules');
  for (const [to, from] of Object.entries(DOCS_VENDOR)) await cp(join(modulesDir, from), join(docsDir, 'vendor', to));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildWebPages(process.argv[2]);
  console.log(`web pages built into ${process.argv[2] ?? DEFAULT_DIST_DIR}`);
}
