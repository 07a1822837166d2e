// The hot path's statements on the driver itself (lib/db/sql.ts) read and bind values as Prisma does,
// on a real database of its own: SQLite in the first pass, PostgreSQL in the second. Above all, a
// Date bound as a parameter compares with what Prisma stored to the millisecond, and a stored time
// reads back as the same instant, whatever the process's time zone.
import crypto from "node:crypto";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "@/generated/prisma/client";
import { privateDatabase, testDatabaseProvider } from "@/test/server-harness";
import { asDate, type RawDate, type RawInt } from "./raw";

type Client = typeof import("./client");
let client: Client;
let database: Awaited<ReturnType<typeof privateDatabase>>;
const tag = crypto.randomBytes(4).toString("hex");
const createdAt = new Date(Date.UTC(2031, 5, 15, 23, 59, 58, 123));
let userId: string;

beforeAll(async () => {
  database = await privateDatabase();
  process.env.DATABASE_URL = database.url;
  client = await import("./client");
  const u = await client.db.user.create({
    data: { email: `sql-${tag}@example.test`, name: "SQL", passwordHash: "x", role: "user", createdAt },
    select: { id: true },
  });
  userId = u.id;
  for (let i = 0; i < 3; i++) {
    await client.db.notification.create({ data: { userId, kind: "message", title: `n${i}`, body: "b", createdAt: new Date(createdAt.getTime() + i) } });
  }
});

afterAll(async () => {
  await client?.closeDatabase();
  await database?.drop();
});

describe.each(["UTC", "Asia/Shanghai", "America/Los_Angeles"])("the driver runner, with TZ=%s", (tz) => {
  const before = process.env.TZ;
  beforeAll(() => void (process.env.TZ = tz));
  afterAll(() => void (process.env.TZ = before));

  it("reads a stored time as the instant Prisma wrote", async () => {
    const [row] = await client.sql.query<{ createdAt: RawDate }>(Prisma.sql`SELECT "createdAt" FROM "User" WHERE id = ${userId}`);
    expect(asDate(row!.createdAt).toISOString()).toBe(createdAt.toISOString());
  });

  it("binds a Date so that it compares with stored times to the millisecond", async () => {
    const count = async (op: ">=" | ">", at: Date) => {
      const cmp = op === ">=" ? Prisma.sql`>=` : Prisma.sql`>`;
      const [row] = await client.sql.query<{ n: RawInt }>(
        Prisma.sql`SELECT COUNT(*) AS n FROM "Notification" WHERE "userId" = ${userId} AND "createdAt" ${cmp} ${at}`,
      );
      return row!.n;
    };
    const t = createdAt.getTime();
    expect(await count(">=", new Date(t))).toBe(3);
    expect(await count(">", new Date(t))).toBe(2);
    expect(await count(">=", new Date(t + 2))).toBe(1);
    expect(await count(">", new Date(t + 2))).toBe(0);
    expect(await count(">=", new Date(t - 1))).toBe(3);
  });

  it("answers counts and sequence numbers as numbers, and binds an IN list", async () => {
    const rows = await client.sql.query<{ seq: RawInt; title: string }>(
      Prisma.sql`SELECT seq, title FROM "Notification" WHERE "userId" IN (${Prisma.join([userId, "nobody", "no-one"])}) ORDER BY seq`,
    );
    expect(rows.map((r) => r.title)).toEqual(["n0", "n1", "n2"]);
    expect(rows.every((r) => typeof r.seq === "number")).toBe(true);
    const [{ n } = { n: -1 }] = await client.sql.query<{ n: RawInt }>(Prisma.sql`SELECT COUNT(*) AS n FROM "Notification" WHERE "userId" = ${userId}`);
    expect(n).toBe(3);
  });

  it("sees what Prisma committed a moment before", async () => {
    const row = await client.db.notification.create({ data: { userId, kind: "message", title: `fresh-${tz}`, body: "b" }, select: { seq: true } });
    const [found] = await client.sql.query<{ title: string }>(Prisma.sql`SELECT title FROM "Notification" WHERE seq = ${row.seq}`);
    expect(found?.title).toBe(`fresh-${tz}`);
    await client.db.notification.delete({ where: { seq: row.seq } });
  });
});

describe("the driver runner's writes", () => {
  type Row = { seq: RawInt; title: string };
  const insert = async (title: string, owner = userId) => {
    const { SEQ_LOCK } = await import("@/lib/notifications/seq-order");
    return client.sql.write<Row>(
      Prisma.sql`INSERT INTO "Notification" (id, "userId", kind, title, body, "createdAt") VALUES (${crypto.randomUUID()}, ${owner}, ${"message"}, ${title}, ${"b"}, ${new Date()}) RETURNING seq, title`,
      { lock: SEQ_LOCK },
    );
  };

  it("returns the inserted rows, which Prisma then reads", async () => {
    const [row] = await insert(`w-${tag}`);
    expect(row?.title).toBe(`w-${tag}`);
    expect(typeof row?.seq).toBe("number");
    const found = await client.db.notification.findUnique({ where: { seq: Number(row!.seq) }, select: { title: true, createdAt: true } });
    expect(found?.title).toBe(`w-${tag}`);
    expect(Math.abs(found!.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("waits for a Prisma transaction that holds the write (and seq) lock, without stalling the event loop, and commits after it", async () => {
    const { lockSeqOrder } = await import("@/lib/notifications/seq-order");
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    let committed = false;
    let locked!: () => void;
    const holding = new Promise<void>((r) => (locked = r));
    const held = client.db.$transaction(
      async (tx) => {
        await lockSeqOrder(tx);
        // SQLite: the insert takes the file's write lock, held until the commit below.
        const row = await tx.notification.create({ data: { userId, kind: "message", title: "held", body: "b" }, select: { seq: true } });
        locked();
        await new Promise((r) => setTimeout(r, 300));
        committed = true;
        return row.seq;
      },
      { timeout: 10_000 },
    );
    await holding;
    const started = performance.now();
    const [mine] = await insert("after the held one");
    const waited = performance.now() - started;
    clearInterval(ticker);
    const heldSeq = await held;
    expect(committed).toBe(true);
    // It waited for the lock (it could not have committed first) …
    expect(waited).toBeGreaterThan(200);
    expect(Number(mine!.seq)).toBeGreaterThan(heldSeq);
    // … while timers kept running: the process was not blocked meanwhile.
    expect(ticks).toBeGreaterThan(10);
  });

  it("a write that fails (a recipient deleted meanwhile) rolls back, says why, and leaves the connections usable", async () => {
    const codes = new Set<string>();
    // More failures than the pool has connections: one not given back would exhaust it.
    for (let i = 0; i < 15; i++) {
      const e: unknown = await insert("orphan", "no-such-user").catch((err: unknown) => err);
      codes.add(String((e as { code?: unknown }).code));
    }
    expect([...codes]).toEqual([testDatabaseProvider() === "postgresql" ? "23503" : "SQLITE_CONSTRAINT_FOREIGNKEY"]);
    expect(await client.db.notification.count({ where: { title: "orphan" } })).toBe(0);
    const [row] = await insert(`after-failures-${tag}`);
    expect(row?.title).toBe(`after-failures-${tag}`);
  });
});
