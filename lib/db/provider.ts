// Which database a DATABASE_URL selects, and where that provider's schema and migrations live.
// prisma/schema.prisma (SQLite) is the one source of truth for the models; prisma/postgres/schema.prisma
// is rendered from it (`npm run db:schema`) and the tests fail when the two drift apart.
// No `server-only` marker: prisma.config.ts, scripts and tests import it too.
import fs from "node:fs";
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

const HEADER =
  "// GENERATED from prisma/schema.prisma by `npm run db:schema`: do not edit. The models are the same;\n" +
  "// only the datasource provider and the generated client's folder differ.\n";

/** The PostgreSQL schema: the SQLite one with its provider and its client's output folder swapped. */
export function renderPostgresSchema(source: string): string {
  const swaps: Array<[RegExp, string]> = [
    [/provider = "sqlite"/, 'provider = "postgresql"'],
    [/output(\s*)= "\.\.\/generated\/prisma"/, 'output$1= "../../generated/prisma-pg"'],
  ];
  let out = source;
  for (const [from, to] of swaps) {
    if (!from.test(out)) throw new Error(`prisma/schema.prisma no longer matches ${from}; update lib/db/provider.ts`);
    out = out.replace(from, to);
  }
  return HEADER + out;
}

export function readSchema(root: string, provider: Provider): string {
  return fs.readFileSync(path.join(root, layout[provider].schema), "utf8");
}
