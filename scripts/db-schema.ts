// `npm run db:schema`: renders prisma/postgres/schema.prisma from prisma/schema.prisma.
import fs from "node:fs";
import path from "node:path";
import { layout } from "../lib/db/provider";
import { readSchema, renderPostgresSchema } from "../lib/db/schema-files";

const root = path.resolve(__dirname, "..");
fs.writeFileSync(path.join(root, layout.postgresql.schema), renderPostgresSchema(readSchema(root, "sqlite")));
console.log(`[db:schema] wrote ${layout.postgresql.schema}`);
