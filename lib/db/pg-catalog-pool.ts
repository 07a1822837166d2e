// For the Prisma CLI only (prisma.config.ts), never the application. The schema engine reads
// PostgreSQL's catalogs through the driver adapter, and @prisma/adapter-pg 6.19 refuses the catalog
// types `name` and `"char"` ("Column type 'name' could not be deserialized": prisma/prisma#27403, open),
// which breaks `migrate deploy` and `migrate status`. Both arrive as text, so this pool reports them as text.
import pg from "pg";

const TEXT = 25;
const CATALOG_TEXT_TYPES = new Set([18 /* "char" */, 19 /* name */]);

type Result = { fields?: Array<{ dataTypeID: number }> };
type Query = (...args: unknown[]) => unknown;

export class CatalogTextPool extends pg.Pool {
  // pg's overloads cannot be restated in a subclass; the adapter calls query(config, values) and awaits it.
  override query = ((...args: unknown[]) => {
    const pending = (pg.Pool.prototype.query as Query).apply(this, args);
    if (!(pending instanceof Promise)) return pending;
    return pending.then((result: Result) => {
      for (const f of result.fields ?? []) if (CATALOG_TEXT_TYPES.has(f.dataTypeID)) f.dataTypeID = TEXT;
      return result;
    });
  }) as pg.Pool["query"];
}
