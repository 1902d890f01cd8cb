// Prisma CLI config. Only `prisma generate` is used from the CLI: migrations run through
// the WebAssembly schema engine (src/core/db/migrator.ts) because the native engine
// would have to be downloaded. generate only checks that this path exists.
import { defineConfig } from 'prisma/config';

process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= 'package.json';
process.env.CHECKPOINT_DISABLE ??= '1';

export default defineConfig({
  schema: 'prisma/schema.prisma',
});
