// PostgreSQL and Redis for the tests that need them. On a person's machine they may be absent: those
// tests are skipped with the reason printed. CI sets REQUIRE_SERVICES=1, and then a missing service fails.
import net from "node:net";

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export function requireServices(): boolean {
  return process.env.REQUIRE_SERVICES === "1";
}

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname || "127.0.0.1", port: Number(u.port || defaultPort) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

const warned = new Set<string>();
async function available(name: string, url: string, port: number): Promise<boolean> {
  const ok = await reachable(url, port);
  if (!ok && !warned.has(name)) {
    warned.add(name);
    const how = requireServices() ? "REQUIRE_SERVICES=1: the tests that need it fail" : "skipping the tests that need it";
    console.warn(`[services] ${name} is not reachable at ${url}; ${how}.`);
  }
  return ok;
}

export function postgresAvailable(): Promise<boolean> {
  return available("PostgreSQL", process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres", 5432);
}

export function redisAvailable(): Promise<boolean> {
  return available("Redis", TEST_REDIS_URL, 6379);
}
