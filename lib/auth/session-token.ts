// Reads the next-auth session cookie from raw headers. Used by route handlers, pages and
// server.ts alike (no `server-only` marker: server.ts runs outside Next's bundler).
import { decode } from "next-auth/jwt";
import { z } from "zod";
import { authSecret } from "@/lib/env";
import { processSingleton } from "@/lib/server/singleton";

export const ROLES = ["user", "admin"] as const;
export type Role = (typeof ROLES)[number];

export type SessionUser = { id: string; email: string; name: string; role: Role };

const tokenSchema = z.object({
  uid: z.string().min(1),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
});

const COOKIE_NAMES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

export function parseCookieHeader(header: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      out.set(name, decodeURIComponent(raw));
    } catch {
      out.set(name, raw);
    }
  }
  return out;
}

function sessionToken(cookies: Map<string, string>): string | undefined {
  for (const name of COOKIE_NAMES) {
    const whole = cookies.get(name);
    if (whole) return whole;
    // next-auth splits large tokens into name.0, name.1, …
    let joined = "";
    for (let i = 0; cookies.has(`${name}.${i}`); i++) joined += cookies.get(`${name}.${i}`);
    if (joined) return joined;
  }
  return undefined;
}

/**
 * Tokens already decrypted, until they expire. A token is immutable and decrypting it (a key
 * derivation and AES-GCM) costs more than everything else a long-poll's next poll does, so each
 * live client decodes its token once, not on every poll or reconnect. Only valid tokens are kept.
 */
const decoded = processSingleton("session-tokens", () => new Map<string, { user: SessionUser; expiresAt: number }>());
/** ~1 KiB each (the token and the user): 20,000 is ~20 MB, twice the live clients an instance is sized for. */
const MAX_DECODED = 20_000;

/** The signed-in user from a Cookie header, or null (missing, expired, tampered). */
export async function userFromCookieHeader(cookieHeader: string | null | undefined): Promise<SessionUser | null> {
  const token = sessionToken(parseCookieHeader(cookieHeader));
  if (!token) return null;
  const hit = decoded.get(token);
  if (hit) {
    if (Date.now() < hit.expiresAt) return hit.user;
    decoded.delete(token);
  }
  try {
    const payload = await decode({ token, secret: authSecret() });
    const parsed = tokenSchema.safeParse(payload);
    if (!parsed.success) return null;
    const { uid, email, name, role } = parsed.data;
    const user: SessionUser = { id: uid, email, name, role };
    const exp = z.number().safeParse(payload?.exp);
    if (exp.success) {
      if (decoded.size >= MAX_DECODED) decoded.clear();
      decoded.set(token, { user, expiresAt: exp.data * 1000 });
    }
    return user;
  } catch {
    return null;
  }
}
