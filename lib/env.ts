// The environment, parsed once. Everything else imports typed values from here.
// No `server-only` marker: server.ts (run by tsx outside Next) imports this module too.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { providerOf, type Provider } from "./db/provider";

const flag = z.enum(["0", "1"]);

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .default("file:./data/app.db")
    .refine((u) => /^(file:|postgres(ql)?:\/\/)/.test(u), "must be file:… (SQLite) or postgres://…"),
  /** Connections each instance keeps to PostgreSQL (ignored on SQLite). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z.string().url().optional(),
  /** The pub/sub channel of this deployment: two deployments on one Redis need two channels. */
  REDIS_CHANNEL: z.string().min(1).max(200).default("notif:events"),
  AUTH_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  /** `npm start` (scripts/prepare.ts): 0 never seeds the demo accounts into an empty database. */
  SEED_DEMO: flag.optional(),
  /** `npm start` (scripts/prepare.ts): 1 serves the build there is, even one older than the sources. */
  SKIP_BUILD: flag.optional(),
  /** 1: take the client address from X-Forwarded-For (behind a trusted reverse proxy). */
  TRUST_PROXY: flag.default("0"),
  METRICS_TOKEN: z.string().min(16).optional(),
  /** Extra origins allowed to send cookie-authenticated mutations, comma separated. */
  ALLOWED_ORIGINS: z.string().default(""),
  DATA_DIR: z.string().default("data"),
  /** Sign-ups allowed per client address per 10 minutes. */
  SIGNUP_LIMIT_PER_10_MIN: z.coerce.number().int().min(1).default(100),
  /** The browser's first choice in "Auto": SSE (then long-polling, then polling), or WebSocket before them. */
  LIVE_DEFAULT_TRANSPORT: z.enum(["sse", "ws"]).default("sse"),
  /** Requests each API key may make to /api/v1 per minute (429 beyond). */
  API_KEY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
});

export type Env = z.infer<typeof schema>;

function parseEnv(): Env {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

export const env: Env = parseEnv();

export const isProduction = env.NODE_ENV === "production";
export const databaseProvider: Provider = providerOf(env.DATABASE_URL);

let cachedSecret: string | undefined;

/**
 * The session secret: AUTH_SECRET, or a random one created once and kept in DATA_DIR.
 * Lazy, so that `next build` never writes it.
 */
export function authSecret(): string {
  if (cachedSecret) return cachedSecret;
  if (env.AUTH_SECRET) return (cachedSecret = env.AUTH_SECRET);
  const file = path.resolve(env.DATA_DIR, "auth-secret");
  try {
    cachedSecret = fs.readFileSync(file, "utf8").trim();
    if (cachedSecret.length >= 16) return cachedSecret;
  } catch {
    // created below
  }
  cachedSecret = crypto.randomBytes(32).toString("base64url");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, cachedSecret + "\n", { mode: 0o600 });
  if (isProduction) {
    console.warn(`[env] AUTH_SECRET is not set: created a random one in ${file}. Set AUTH_SECRET in production.`);
  }
  return cachedSecret;
}

export const allowedOrigins: readonly string[] = env.ALLOWED_ORIGINS.split(",")
  .map((s) => s.trim())
  .filter(Boolean);
