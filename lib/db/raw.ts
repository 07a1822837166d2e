// What hand-written statements hand back (decisions 011, 012), and the one place it is made into app
// values; and the one test of a driver's "locked" error. No imports: lib/http/errors.ts, which is also
// in the browser bundle, uses it.
// Integers come back as number or bigint (COUNT, MAX) depending on the driver; timestamps as Date
// from PostgreSQL and as their stored ISO text from SQLite.
export type RawInt = number | bigint;
export type RawDate = Date | string | number;

export function asDate(v: RawDate): Date {
  return v instanceof Date ? v : new Date(v);
}

export function asNullableDate(v: RawDate | null): Date | null {
  return v === null ? null : asDate(v);
}

/** SQLITE_BUSY and its extended codes (…_SNAPSHOT, …_RECOVERY, …_TIMEOUT): another connection holds the lock. */
export const isSqliteBusy = (e: unknown): boolean =>
  typeof e === "object" && e !== null && "code" in e && typeof e.code === "string" && e.code.startsWith("SQLITE_BUSY");
