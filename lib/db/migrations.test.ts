// The two providers' schemas and migrations cannot drift: prisma/postgres/schema.prisma is exactly what
// `npm run db:schema` renders from prisma/schema.prisma; both providers have the same migrations, by
// name; and for each provider a database built by its migrations has the same tables, columns, indexes
// and constraints as one built straight from its schema.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createPostgresDatabase, dropPostgresDatabase } from "@/test/server-harness";
import { describeWithServices } from "@/test/services";
import { layout, type Provider } from "./provider";
import { readSchema, renderPostgresSchema } from "./schema-files";

const root = path.resolve(__dirname, "..", "..");

function prisma(args: string[], databaseUrl: string): string {
  return execFileSync(process.execPath, [path.join(root, "scripts", "prisma.cjs"), ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** The SQL that builds the provider's schema from nothing. */
function schemaScript(provider: Provider, databaseUrl: string): string {
  return prisma(["migrate", "diff", "--from-empty", "--to-schema-datamodel", layout[provider].schema, "--script"], databaseUrl);
}

const migrationNames = (provider: Provider) =>
  fs
    .readdirSync(path.join(root, layout[provider].migrations), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

describe("schemas and migrations", () => {
  it("keeps prisma/postgres/schema.prisma rendered from prisma/schema.prisma (npm run db:schema)", () => {
    expect(readSchema(root, "postgresql")).toBe(renderPostgresSchema(readSchema(root, "sqlite")));
  });

  it("has the same migrations for both providers", () => {
    expect(migrationNames("postgresql")).toEqual(migrationNames("sqlite"));
    expect(migrationNames("sqlite").length).toBeGreaterThan(0);
  });
});

const squash = (sql: string | null) => (sql ?? "").replace(/\s+/g, " ").replace(/"/g, "").trim();

function sqliteCatalog(file: string): Array<{ type: string; name: string; sql: string }> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db
      .prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_prisma%' ORDER BY type, name")
      .all() as Array<{ type: string; name: string; sql: string | null }>;
    return rows.map((r) => ({ ...r, sql: squash(r.sql) }));
  } finally {
    db.close();
  }
}

describe("SQLite migrations", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "notif-drift-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("build the same database as prisma/schema.prisma", () => {
    const migrated = path.join(dir, "migrated.db");
    prisma(["migrate", "deploy"], `file:${migrated}`);
    const direct = path.join(dir, "direct.db");
    const db = new Database(direct);
    db.exec(schemaScript("sqlite", `file:${direct}`));
    db.close();
    const expected = sqliteCatalog(direct);
    expect(expected.length).toBeGreaterThan(5);
    expect(sqliteCatalog(migrated)).toEqual(expected);
  }, 60_000);
});

async function postgresCatalog(url: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query(
      `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY table_name, column_name`,
    );
    const indexes = await client.query(
      `SELECT tablename, indexname, indexdef FROM pg_indexes
       WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY indexname`,
    );
    const constraints = await client.query(
      `SELECT c.conrelid::regclass::text AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
       WHERE n.nspname = 'public' AND c.conrelid::regclass::text <> '_prisma_migrations' ORDER BY c.conname`,
    );
    return [...columns.rows, ...indexes.rows, ...constraints.rows];
  } finally {
    await client.end();
  }
}

await describeWithServices(["postgres"], "PostgreSQL migrations", () => {
  const made: string[] = [];
  afterAll(async () => {
    for (const url of made) await dropPostgresDatabase(url);
  });

  it("build the same database as prisma/postgres/schema.prisma", async () => {
    const migrated = await createPostgresDatabase();
    const direct = await createPostgresDatabase();
    made.push(migrated, direct);
    prisma(["migrate", "deploy"], migrated);
    const client = new pg.Client({ connectionString: direct });
    await client.connect();
    await client.query(schemaScript("postgresql", direct));
    await client.end();
    const expected = await postgresCatalog(direct);
    expect(expected.length).toBeGreaterThan(20);
    expect(await postgresCatalog(migrated)).toEqual(expected);
  }, 60_000);
});
