// The one gate every live transport passes before it connects to the hub.
// No `server-only` marker: ws.ts, served by server.ts outside Next's bundler, uses it too.
import { AppError } from "@/lib/http/errors";
import type { Hub } from "../hub";

/** Seconds a client refused because the bus is down waits before trying live updates again. */
export const BUS_DOWN_RETRY_AFTER_S = 5;

/** The process's hub, which Next's instrumentation creates; until it has, 503 `Retry-After: 5`. */
export function startedHub(hub: Hub | undefined): Hub {
  if (!hub) throw new AppError("unavailable", "The server is still starting.", { headers: { "Retry-After": "5" } });
  return hub;
}

/**
 * Returns when the hub can take another live connection for this user; otherwise throws the refusal:
 * 503 while the bus is down (the client polls the database meanwhile; nothing is lost, since it
 * resumes from its cursor), 429 when the user already holds too many connections here.
 */
export function admitLive(hub: Hub, userId: string): void {
  if (!hub.liveAvailable()) {
    throw new AppError("unavailable", "Live updates are unavailable right now. Try again shortly.", {
      headers: { "Retry-After": String(BUS_DOWN_RETRY_AFTER_S) },
    });
  }
  if (hub.atCapacity(userId)) {
    throw new AppError("rate_limited", "Too many live connections for this account.", { headers: { "Retry-After": "5" } });
  }
}
