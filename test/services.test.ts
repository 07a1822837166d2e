import { describe, expect, it } from "vitest";
import { postgresAvailable, redisAvailable } from "./services";

describe("service probes", () => {
  // Port 1 is never a database here: the probe must say "no", quickly, without throwing.
  it("report an unreachable Redis as unavailable", async () => {
    expect(await redisAvailable("redis://127.0.0.1:1")).toBe(false);
  });

  it("report an unreachable PostgreSQL as unavailable", async () => {
    expect(await postgresAvailable("postgresql://postgres@127.0.0.1:1/test")).toBe(false);
  });
});
