// The live payload as a schema: the browser validates what it receives rather than trusting it.
import { z } from "zod";

export const notificationDtoSchema = z.object({
  id: z.string(),
  kind: z.enum(["message", "announcement"]),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

export const unreadEventSchema = z.object({
  unreadCount: z.number().int().min(0),
  cursor: z.string(),
  notification: notificationDtoSchema.optional(),
});
