import { z } from "zod";

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1, "Required.").max(100, "At most 100 characters."),
});

export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;
