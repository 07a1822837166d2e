import { z } from "zod";
import { emailSchema } from "@/lib/auth/schemas";
import { bodySchema, linkSchema, titleSchema } from "@/lib/notifications/schemas";

// Offsets run from -23:59 to +23:59 (hours 00–23, minutes 00–59).
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)$/i;

/** A calendar date and a time that exist (Date.parse would roll 30 February over to March). */
function isRealDateTime(s: string): boolean {
  const m = ISO_DATE_TIME.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, sec] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const probe = new Date(Date.UTC(y, mo - 1, d, h, mi, sec));
  return (
    probe.getUTCFullYear() === y &&
    probe.getUTCMonth() === mo - 1 &&
    probe.getUTCDate() === d &&
    probe.getUTCHours() === h &&
    probe.getUTCMinutes() === mi &&
    probe.getUTCSeconds() === sec
  );
}

export const audienceSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("all") }),
  z.object({ type: z.literal("role"), role: z.enum(["user", "admin"]) }),
  z.object({ type: z.literal("users"), emails: z.array(emailSchema).min(1, "List at least one email.").max(1000) }),
]);

export type Audience = z.infer<typeof audienceSchema>;

const recipientIdsSchema = z.array(z.string());

/** The listed recipients' ids an announcement keeps (a JSON array in `Announcement.recipientIds`). */
export function parseRecipientIds(stored: string): string[] {
  return recipientIdsSchema.parse(JSON.parse(stored));
}

export const createAnnouncementSchema = z.object({
  title: titleSchema,
  body: bodySchema,
  link: linkSchema.optional(),
  audience: audienceSchema,
  /** ISO-8601 with a time zone (Z or ±hh:mm); seconds optional, as date-time pickers send. */
  publishAt: z
    .string()
    .regex(ISO_DATE_TIME, "Use an ISO-8601 date and time with a time zone.")
    .refine(isRealDateTime, "Use a date and time that exist.")
    .refine((v) => !Number.isNaN(Date.parse(v)), "Use a date and time that exist.")
    .optional(),
});
