// After every install (npm ci included), without downloading anything:
// 1. generate the Prisma client (PRISMA_SCHEMA_ENGINE_BINARY names an existing file,
//    which is all generate checks);
// 2. build the migrated PGlite template, so a new data folder skips initdb (5-11 s);
// 3. bundle the pages into web/dist;
// 4. bundle the server into dist/server.js, which `npm start` runs.
import { execFileSync } from 'node:child_process';

const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: 'package.json', CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
execFileSync(process.execPath, ['node_modules/prisma/build/index.js', 'generate'], { stdio: 'inherit', env });
execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-pglite-template.ts'], { stdio: 'inherit', env });
execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-web.ts'], { stdio: 'inherit', env });
execFileSync(process.execPath, ['scripts/build-server.mjs'], { stdio: 'inherit', env });
