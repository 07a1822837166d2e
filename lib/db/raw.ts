// What `$queryRaw` hands back, and the one place it is made into app values (decision 011).
// Integers come back as number or bigint (COUNT, MAX) depending on the adapter; timestamps as Date
// through both adapters, typed wider in case a driver hands back its stored form.
export type RawInt = number | bigint;
export type RawDate = Date | string | number;

export function asDate(v: RawDate): Date {
  return v instanceof Date ? v : new Date(v);
}

export function asNullableDate(v: RawDate | null): Date | null {
  return v === null ? null : asDate(v);
}
