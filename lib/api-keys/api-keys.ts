import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { db, sql } from "@/lib/db/client";
import { asNullableDate, type RawDate } from "@/lib/db/raw";
import { env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { limiter } from "@/lib/http/rate-limit";
import type { CreateApiKeyInput } from "./schemas";
import { bearerKey, displayPrefix, generateApiKey, hashApiKey } from "./token";

// Backends' keys for /api/v1. Only the SHA-256 of a key is stored; the key itself exists in clear
// once, in the answer to its creation. Never log a key (nor the Authorization header).

export type ApiKeyDto = {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export type CreatedApiKey = { id: string; name: string; prefix: string; key: string; createdAt: string };

/** Who is calling /api/v1: the key's row, never its secret. */
export type ApiKeyPrincipal = { id: string; name: string };

/** lastUsedAt is written at most this often per key, so a busy backend does not write on every call. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Per-key request budget for /api/v1 (API_KEY_RATE_LIMIT_PER_MINUTE, default 600). */
export const apiKeyRateLimit = { points: env.API_KEY_RATE_LIMIT_PER_MINUTE, durationSeconds: 60 } as const;
export const apiKeyLimiter = () => limiter("api-key", apiKeyRateLimit.points, apiKeyRateLimit.durationSeconds);

const dtoSelect = { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

function toDto(row: { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }): ApiKeyDto {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/** Creates a key and returns it in clear: the only time anyone sees it. */
export async function createApiKey(adminId: string, input: CreateApiKeyInput): Promise<CreatedApiKey> {
  const key = generateApiKey();
  const row = await db.apiKey.create({
    data: { name: input.name, prefix: displayPrefix(key), hash: hashApiKey(key), createdById: adminId },
    select: { id: true, name: true, prefix: true, createdAt: true },
  });
  return { id: row.id, name: row.name, prefix: row.prefix, key, createdAt: row.createdAt.toISOString() };
}

/** Every key, revoked ones included, newest first. */
export async function listApiKeys(): Promise<{ items: ApiKeyDto[] }> {
  const rows = await db.apiKey.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: dtoSelect });
  return { items: rows.map(toDto) };
}

/** Revokes a key at once (idempotent: a revoked key stays revoked at its first time); unknown id → 404. */
export async function revokeApiKey(id: string): Promise<void> {
  const { count } = await db.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  if (count === 1) return;
  const exists = await db.apiKey.findUnique({ where: { id }, select: { id: true } });
  if (!exists) throw new AppError("not_found");
}

/**
 * The live key named by an `Authorization: Bearer …` header, or null (absent, malformed, unknown or
 * revoked). The lookup is by hash through a unique index, so no constant-time comparison is needed.
 */
export async function authenticateApiKey(authorization: string | null, now = new Date()): Promise<ApiKeyPrincipal | null> {
  const key = bearerKey(authorization);
  if (!key) return null;
  // Every backend call starts here: one hand-written statement (docs/decisions/011-hot-path-sql.md).
  type Raw = { id: string; name: string; lastUsedAt: RawDate | null; revokedAt: RawDate | null };
  const [found] = await sql.query<Raw>(Prisma.sql`
    SELECT id, name, "lastUsedAt", "revokedAt" FROM "ApiKey" WHERE hash = ${hashApiKey(key)}`);
  if (!found || found.revokedAt !== null) return null;
  const row = { id: found.id, name: found.name, lastUsedAt: asNullableDate(found.lastUsedAt) };
  const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  if (!row.lastUsedAt || row.lastUsedAt <= stale) {
    try {
      // Conditional, so concurrent calls in the same minute write once.
      await db.apiKey.updateMany({
        where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: stale } }] },
        data: { lastUsedAt: now },
      });
    } catch (e) {
      // Bookkeeping only: never refuse a valid key because of it.
      console.error(`[api-keys] could not record the use of key ${row.id}`, e);
    }
  }
  return { id: row.id, name: row.name };
}
