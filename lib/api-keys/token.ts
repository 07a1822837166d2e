// API key format, hashing and the Authorization header: pure functions, no database.
// No `server-only` marker: nothing here is secret, and unit tests import it directly.
import { createHash, randomBytes } from "node:crypto";

/** Every key starts with this, so a leaked key is recognizable (secret scanners, logs). */
export const KEY_PREFIX = "nk_";
/** How many leading characters of a key are kept in clear to tell keys apart in lists. */
export const DISPLAY_PREFIX_LENGTH = KEY_PREFIX.length + 8;
/** `nk_` + 32 random bytes in base64url (43 characters). */
const KEY_FORMAT = /^nk_[A-Za-z0-9_-]{43}$/;

/** A new key: 256 random bits, so a plain SHA-256 of it is enough to store (nothing to brute-force). */
export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString("base64url");
}

/** SHA-256 of the whole key, hex: what the database keeps and looks keys up by. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

export function displayPrefix(key: string): string {
  return key.slice(0, DISPLAY_PREFIX_LENGTH);
}

export function isWellFormedKey(s: string): boolean {
  return KEY_FORMAT.test(s);
}

/**
 * The key in `Authorization: Bearer <key>`, or null when the header is absent, uses another scheme
 * or holds something that cannot be one of our keys (refused without a database lookup).
 */
export function bearerKey(header: string | null | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer +(\S+) *$/i.exec(header);
  if (!m) return null;
  const token = m[1]!;
  return isWellFormedKey(token) ? token : null;
}
