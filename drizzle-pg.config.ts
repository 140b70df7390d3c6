// Migrations for the PostgreSQL store: `npx drizzle-kit generate --config drizzle-pg.config.ts`.
// src/store/schema-pg.ts mirrors src/store/schema.ts; change both, then generate with both configs.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/schema-pg.ts',
  out: process.env.KLAXON_PG_MIGRATIONS_OUT ?? './migrations/postgres',
});
