import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";
import { CatalogTextPool } from "./lib/db/pg-catalog-pool";
import { DEFAULT_DATABASE_URL, layout, providerOf } from "./lib/db/provider";

// The Prisma CLI does not load .env when a config file exists: default here.
const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
process.env.DATABASE_URL = url;
const which = providerOf(url);

// DATABASE_URL picks the provider, and with it the schema and the migrations the CLI works on.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: layout[which].schema,
  migrations: { path: layout[which].migrations },
  async adapter() {
    if (which === "postgresql") {
      return new PrismaPg(new CatalogTextPool({ connectionString: url, allowExitOnIdle: true, idleTimeoutMillis: 200 }), { disposeExternalPool: true });
    }
    return new PrismaBetterSQLite3({ url }, { shadowDatabaseUrl: "file:./data/shadow.db" });
  },
});
