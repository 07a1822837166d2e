// The schema files themselves, for `npm run db:schema` and the tests: prisma/postgres/schema.prisma is
// rendered from prisma/schema.prisma. Scripts and tests only: the app never imports this module (its
// filesystem read would make `next build` trace the whole project; see provider.ts).
import fs from "node:fs";
import path from "node:path";
import { layout, type Provider } from "./provider";

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
    if (!from.test(out)) throw new Error(`prisma/schema.prisma no longer matches ${from}; update lib/db/schema-files.ts`);
    out = out.replace(from, to);
  }
  return HEADER + out;
}

export function readSchema(root: string, provider: Provider): string {
  return fs.readFileSync(path.join(root, layout[provider].schema), "utf8");
}
