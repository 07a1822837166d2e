// Same-origin checks on raw header values, shared by route handlers (mutations) and server.ts
// (WebSocket upgrades). No `server-only` marker: server.ts runs outside Next's bundler.
import { allowedOrigins, env } from "@/lib/env";

type HeaderGet = (name: string) => string | null | undefined;

/**
 * True when the browser says the request comes from our own origin (or one in ALLOWED_ORIGINS).
 * `requireOrigin`: a WebSocket handshake from a browser always carries Origin; a mutation from a
 * non-browser client may not, and cookie-less clients cannot hurt anyone.
 */
export function originAllowed(get: HeaderGet, opts: { requireOrigin?: boolean } = {}): boolean {
  if (get("sec-fetch-site") === "cross-site") return false;
  const origin = get("origin");
  if (!origin) return !opts.requireOrigin;
  const host = (env.TRUST_PROXY === "1" && get("x-forwarded-host")) || get("host");
  let originHost: string | null = null;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  return originHost === host || allowedOrigins.includes(origin);
}
