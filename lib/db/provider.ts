// Which database a DATABASE_URL selects, and where that provider's schema and migrations live.
// prisma/schema.prisma (SQLite) is the one source of truth for the models; prisma/postgres/schema.prisma
// is rendered from it (schema-files.ts, `npm run db:schema`) and the tests fail when the two drift apart.
// No `server-only` marker: prisma.config.ts, scripts and tests import it too. The app imports it
// (lib/env.ts), so it reads no files: a dynamic filesystem read here makes `next build` trace the
// whole project into the app's bundle.
import path from "node:path";

export type Provider = "sqlite" | "postgresql";

export const DEFAULT_DATABASE_URL = "file:./data/app.db";

export function providerOf(url: string | undefined): Provider {
  return /^postgres(ql)?:\/\//.test(url ?? DEFAULT_DATABASE_URL) ? "postgresql" : "sqlite";
}

/** Paths relative to the repository root. */
export const layout: Record<Provider, { schema: string; migrations: string }> = {
  sqlite: { schema: path.join("prisma", "schema.prisma"), migrations: path.join("prisma", "migrations") },
  postgresql: {
    schema: path.join("prisma", "postgres", "schema.prisma"),
    migrations: path.join("prisma", "postgres", "migrations"),
  },
};
