// The project's folder (the one holding package.json), for the files the server reads
// beside its code: migrations, the PGlite cache, the built pages. Found by walking up
// from this module rather than by a fixed `../..`, because the same code runs from
// src/core/ (tsx: tests, `npm run dev`, scripts) and from the bundle dist/server.js
// (`npm start`), which sit at different depths.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PROJECT_ROOT = findProjectRoot(import.meta.dirname);
