import "server-only";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { processSingleton } from "@/lib/server/singleton";
import { AppError } from "./errors";

/** Named in-memory limiters, one per process (see docs/decisions/004-auth.md). */
export function limiter(name: string, points: number, durationSeconds: number): RateLimiterMemory {
  return processSingleton(`ratelimit:${name}`, () => new RateLimiterMemory({ keyPrefix: name, points, duration: durationSeconds }));
}

function retryAfter(res: RateLimiterRes): string {
  return String(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
}

/** Spends one point or throws 429 with Retry-After. */
export async function consumeOrThrow(l: RateLimiterMemory, key: string): Promise<void> {
  try {
    await l.consume(key);
  } catch (e) {
    if (e instanceof RateLimiterRes) {
      throw new AppError("rate_limited", undefined, { headers: { "Retry-After": retryAfter(e) } });
    }
    throw e;
  }
}

/** True when the key has used up its points (without spending one). */
export async function isLimited(l: RateLimiterMemory, key: string): Promise<boolean> {
  const res = await l.get(key);
  return res !== null && res.consumedPoints >= l.points;
}
