// Cursors are opaque to clients. Inside, both the live cursor and the page cursor are a
// notification `seq` (see docs/decisions/003-live-cursor.md).
import { z } from "zod";

export function encodeCursor(seq: number): string {
  return String(seq);
}

/** The largest seq: Prisma's Int is 32-bit, and PostgreSQL refuses anything larger in a comparison. */
export const MAX_SEQ = 2_147_483_647;

/** A cursor a client sent back: a non-negative integer no larger than any seq can be. */
export const cursorParam = z
  .string()
  .regex(/^\d{1,10}$/, "Not a cursor this server issued.")
  .transform((s) => Number(s))
  .refine((n) => n <= MAX_SEQ, "Not a cursor this server issued.");
