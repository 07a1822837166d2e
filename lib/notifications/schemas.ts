import { z } from "zod";
import { cursorParam } from "./cursor";

function isSafeLink(s: string): boolean {
  if (s.startsWith("/")) return !s.startsWith("//") && !s.startsWith("/\\");
  if (!/^https?:\/\//i.test(s)) return false;
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

export const titleSchema = z.string().trim().min(1, "Required.").max(200, "At most 200 characters.");
export const bodySchema = z.string().min(1, "Required.").max(10_000, "At most 10000 characters.");
export const linkSchema = z
  .string()
  .trim()
  .max(2048, "At most 2048 characters.")
  .refine(isSafeLink, "Use an http(s) URL or a path starting with /.");

export const listQuerySchema = z.object({
  filter: z.enum(["all", "unread", "announcements"]).default("all"),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: cursorParam.optional(),
});

export const patchSchema = z.object({ read: z.boolean() });

export const idParam = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
