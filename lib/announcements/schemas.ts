import { z } from "zod";
import { emailSchema } from "@/lib/auth/schemas";
import { bodySchema, linkSchema, titleSchema } from "@/lib/notifications/schemas";

export const audienceSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("all") }),
  z.object({ type: z.literal("role"), role: z.enum(["user", "admin"]) }),
  z.object({ type: z.literal("users"), emails: z.array(emailSchema).min(1, "List at least one email.").max(1000) }),
]);

export type Audience = z.infer<typeof audienceSchema>;

export const createAnnouncementSchema = z.object({
  title: titleSchema,
  body: bodySchema,
  link: linkSchema.optional(),
  audience: audienceSchema,
  /** ISO-8601 with a time zone (Z or ±hh:mm); seconds optional, as date-time pickers send. */
  publishAt: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i, "Use an ISO-8601 date and time with a time zone.")
    .refine((s) => !Number.isNaN(Date.parse(s)), "Use a real date and time.")
    .optional(),
});
