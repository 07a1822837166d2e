// Cursors are opaque to clients. Inside, both the live cursor and the page cursor are a
// notification `seq` (see docs/decisions/003-live-cursor.md).
import { z } from "zod";

export function encodeCursor(seq: number): string {
  return String(seq);
}

/** A cursor a client sent back: a non-negative integer of sane size. */
export const cursorParam = z
  .string()
  .regex(/^\d{1,15}$/, "Not a cursor this server issued.")
  .transform((s) => Number(s));
