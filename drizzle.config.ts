import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './db/schema.ts',
  out: './db/migrations',
  // Must match the runtime setting in db/open.ts.
  casing: 'snake_case',
});
