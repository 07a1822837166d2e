// The real services some tests need (Redis, PostgreSQL). Where one is unreachable (a laptop without
// it), the suites that need it are skipped and say why; with REQUIRE_SERVICES=1 (CI) they fail instead.
import { describe, it } from "vitest";

export type Service = "redis" | "postgres";

export const REDIS_TEST_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const POSTGRES_TEST_URL = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
export const servicesRequired = process.env.REQUIRE_SERVICES === "1";

const PROBE_TIMEOUT_MS = 1000;

/** True when a Redis server answers PING at `url` within a second. */
export async function redisAvailable(url = REDIS_TEST_URL): Promise<boolean> {
  const { Redis } = await import("ioredis");
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: PROBE_TIMEOUT_MS,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** True when PostgreSQL at `url` answers SELECT 1 within a second. */
export async function postgresAvailable(url = POSTGRES_TEST_URL): Promise<boolean> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS, query_timeout: PROBE_TIMEOUT_MS });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const probes: Record<Service, () => Promise<boolean>> = { redis: () => redisAvailable(), postgres: () => postgresAvailable() };
const where: Record<Service, string> = {
  redis: REDIS_TEST_URL.replace(/\/\/[^@/]*@/, "//…@"),
  postgres: POSTGRES_TEST_URL.replace(/\/\/[^@/]*@/, "//…@"),
};
const known = new Map<Service, Promise<boolean>>();

/** Whether the service is reachable (probed once per test file). */
export function serviceAvailable(service: Service): Promise<boolean> {
  let p = known.get(service);
  if (!p) known.set(service, (p = probes[service]()));
  return p;
}

/**
 * describe() for a suite that needs real services. When one is unreachable the suite is skipped,
 * its name saying why; under REQUIRE_SERVICES=1 it is a failing test instead. Use with top-level
 * await: `await describeWithServices(["redis"], "RedisBus", () => { … })`.
 */
export async function describeWithServices(services: readonly Service[], name: string, body: () => void): Promise<void> {
  const missing: Service[] = [];
  for (const s of services) if (!(await serviceAvailable(s))) missing.push(s);
  if (!missing.length) {
    describe(name, body);
    return;
  }
  const reason = missing.map((s) => `${s} is not reachable at ${where[s]}`).join("; ");
  if (servicesRequired) {
    describe(name, () => {
      it(`needs ${missing.join(" and ")}`, () => {
        throw new Error(`${reason} (REQUIRE_SERVICES=1: the services must run)`);
      });
    });
    return;
  }
  // Skipped, saying why, only on a machine without the service and without REQUIRE_SERVICES
  // (a newcomer's laptop); CI sets REQUIRE_SERVICES=1, so there a missing service fails above.
  console.warn(`[test] skipping "${name}": ${reason}. Start it, or set REQUIRE_SERVICES=1 to fail instead.`);
  describe.skip(`${name} (skipped: ${reason})`, body);
}
