"use client";
// Typed calls to the admin endpoints for /admin. Every answer is checked against a schema, and every
// error keeps the contract's `fields`, so forms can show them next to their inputs.
import { z } from "zod";
import { type Audience, audienceSchema } from "@/lib/announcements/schemas";

// The same audience the server validates (a plain zod module, safe in the browser).
export type { Audience };

const historyItemSchema = z.object({
  id: z.string(),
  title: z.string(),
  audience: audienceSchema,
  publishAt: z.string(),
  publishedAt: z.string().nullable(),
  createdBy: z.string(),
  recipientCount: z.number().int().nonnegative(),
  readCount: z.number().int().nonnegative(),
});
export type HistoryItem = z.infer<typeof historyItemSchema>;

const historyPageSchema = z.object({ items: z.array(historyItemSchema), nextCursor: z.string().nullable() });
export type HistoryPage = z.infer<typeof historyPageSchema>;

const createdAnnouncementSchema = z.object({
  id: z.string(),
  audience: audienceSchema,
  publishAt: z.string(),
  recipientCount: z.number().int().nonnegative(),
});
export type CreatedAnnouncement = z.infer<typeof createdAnnouncementSchema>;

const userMatchSchema = z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(["user", "admin"]) });
export type UserMatch = z.infer<typeof userMatchSchema>;

const statsSchema = z.object({
  connections: z.object({ sse: z.number().int(), ws: z.number().int(), poll: z.number().int() }),
  total: z.number().int(),
});
export type LiveStats = z.infer<typeof statsSchema>;

const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

const createdKeySchema = z.object({ id: z.string(), name: z.string(), prefix: z.string(), key: z.string(), createdAt: z.string() });
export type CreatedKey = z.infer<typeof createdKeySchema>;

const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), fields: z.record(z.string(), z.string()).optional() }),
});

export type NewAnnouncement = {
  title: string;
  body: string;
  link?: string;
  audience: Audience;
  publishAt?: string;
};

export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

async function call<T>(url: string, schema: z.ZodType<T> | null, init?: { method?: string; json?: unknown; signal?: AbortSignal }): Promise<T | undefined> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: init?.method ?? "GET",
      cache: "no-store",
      signal: init?.signal,
      headers: init?.json === undefined ? undefined : { "Content-Type": "application/json" },
      body: init?.json === undefined ? undefined : JSON.stringify(init.json),
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new AdminApiError(0, "network", "The server could not be reached.");
  }
  if (res.status === 204) return undefined;
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = errorSchema.safeParse(body);
    if (err.success) throw new AdminApiError(res.status, err.data.error.code, err.data.error.message, err.data.error.fields);
    throw new AdminApiError(res.status, "error", res.statusText);
  }
  if (!schema) return undefined;
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new AdminApiError(res.status, "bad_response", "The server answered something unexpected.");
  return parsed.data;
}

async function must<T>(p: Promise<T | undefined>): Promise<T> {
  const v = await p;
  if (v === undefined) throw new AdminApiError(204, "bad_response", "The server answered nothing.");
  return v;
}

const qs = (params: Record<string, string | number | null | undefined>) =>
  new URLSearchParams(Object.entries(params).flatMap(([k, v]) => (v === null || v === undefined ? [] : [[k, String(v)]]))).toString();

export const adminApi = {
  history: (limit: number, cursor?: string | null) => must(call(`/api/admin/announcements?${qs({ limit, cursor })}`, historyPageSchema)),
  send: (input: NewAnnouncement) => must(call("/api/admin/announcements", createdAnnouncementSchema, { method: "POST", json: input })),
  withdraw: (id: string) => call(`/api/admin/announcements/${encodeURIComponent(id)}`, null, { method: "DELETE" }).then(() => undefined),
  searchUsers: (q: string, signal?: AbortSignal) =>
    must(call(`/api/admin/users?${qs({ q, limit: 10 })}`, z.object({ items: z.array(userMatchSchema) }), { signal })).then((r) => r.items),
  stats: () => must(call("/api/admin/stats", statsSchema)),
  keys: () => must(call("/api/admin/api-keys", z.object({ items: z.array(apiKeySchema) }))).then((r) => r.items),
  createKey: (name: string) => must(call("/api/admin/api-keys", createdKeySchema, { method: "POST", json: { name } })),
  revokeKey: (id: string) => call(`/api/admin/api-keys/${encodeURIComponent(id)}`, null, { method: "DELETE" }).then(() => undefined),
};
