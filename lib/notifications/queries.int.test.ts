// The hot path's hand-written SQL (rowsAfter, latestSeq, countUnread) against the ORM queries the
// inbox pages use (visibleRows), on a real database of its own (its broadcasts would reach the
// suite's users): SQLite in the first pass, PostgreSQL in the second. Every case mixes own rows, broadcasts to everyone and to roles, broadcasts from
// before the account existed, and read and hidden receipts.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateDatabase } from "@/test/server-harness";

type Queries = typeof import("./queries");
type Db = typeof import("@/lib/db/client").db;
let q: Queries;
let db: Db;

const FUTURE = Date.UTC(2100, 0, 1);
const at = (minutes: number) => new Date(FUTURE + minutes * 60_000);
const tag = crypto.randomBytes(4).toString("hex");
const role = `role-${tag}`;

async function user(name: string, userRole: string, minutes: number): Promise<string> {
  const u = await db.user.create({
    data: { email: `${name}-${tag}@example.test`, name, passwordHash: "x", role: userRole, createdAt: at(minutes) },
    select: { id: true },
  });
  return u.id;
}

async function own(userId: string, title: string, minutes: number, read = false): Promise<number> {
  const r = await db.notification.create({
    data: { userId, kind: "message", title, body: "b", createdAt: at(minutes), readAt: read ? at(minutes + 1) : null },
    select: { seq: true },
  });
  return r.seq;
}

async function broadcast(title: string, minutes: number, audienceRole: string | null = null): Promise<{ seq: number; id: string }> {
  return db.notification.create({
    data: { userId: null, audienceRole, kind: "announcement", title, body: "b", createdAt: at(minutes) },
    select: { seq: true, id: true },
  });
}

describe("hand-written hot-path queries", () => {
  let alice: string; // our role, signed up at minute 10
  let bob: string; // another role, signed up at minute 0
  let carol: string; // nothing of her own, signed up at minute 30
  const seqs: number[] = [];

  let database: Awaited<ReturnType<typeof privateDatabase>>;

  beforeAll(async () => {
    database = await privateDatabase();
    // The app's modules read DATABASE_URL when first imported.
    process.env.DATABASE_URL = database.url;
    ({ db } = await import("@/lib/db/client"));
    q = await import("./queries");
    alice = await user("alice", role, 10);
    bob = await user("bob", "user", 0);
    carol = await user("carol", role, 30);
    seqs.push((await broadcast("before alice", 5)).seq);
    seqs.push(await own(alice, "a1", 11));
    seqs.push(await own(bob, "b1", 11, true));
    seqs.push((await broadcast("to everyone", 12)).seq);
    seqs.push(await own(alice, "a2 read", 13, true));
    seqs.push((await broadcast("to our role", 14, role)).seq);
    seqs.push((await broadcast("to other role", 15, "user")).seq);
    const read = await broadcast("read by alice", 16);
    seqs.push(read.seq);
    await db.broadcastReceipt.create({ data: { userId: alice, notificationId: read.id, readAt: at(17) } });
    const hidden = await broadcast("hidden by alice", 18);
    seqs.push(hidden.seq);
    await db.broadcastReceipt.create({ data: { userId: alice, notificationId: hidden.id, hiddenAt: at(19) } });
    seqs.push(await own(alice, "a3", 20));
    seqs.push((await broadcast("after carol", 31, role)).seq);
  });

  afterAll(async () => {
    await (await import("@/lib/db/client")).closeDatabase();
    await database?.drop();
  });

  const everyone = () => [alice, bob, carol];
  const cursors = () => [0, ...seqs, seqs.at(-1)! + 1];

  it("rowsAfter returns what visibleRows returns, from every cursor and in seq order", async () => {
    let compared = 0;
    for (const u of everyone()) {
      for (const after of cursors()) {
        for (const take of [1, 2, 500]) {
          const expected = await q.visibleRows(u, { seq: { gt: after }, order: "asc", take });
          expect(await q.rowsAfter(u, after, take)).toEqual(expected);
          compared += expected.length;
        }
      }
    }
    // The comparison saw rows, not only empty answers.
    expect(compared).toBeGreaterThan(40);
  });

  it("sees the right rows: audience, sign-up time, read receipts and hidden rows", async () => {
    const titles = (rows: Array<{ title: string }>) => rows.map((r) => r.title);
    expect(titles(await q.rowsAfter(alice, 0, 500))).toEqual(["a1", "to everyone", "a2 read", "to our role", "read by alice", "a3", "after carol"]);
    expect(titles(await q.rowsAfter(bob, 0, 500))).toEqual(["before alice", "b1", "to everyone", "to other role", "read by alice", "hidden by alice"]);
    expect(titles(await q.rowsAfter(carol, 0, 500))).toEqual(["after carol"]);
    const rows = await q.rowsAfter(alice, 0, 500);
    const read = rows.find((r) => r.title === "read by alice")!;
    expect(read.readAt).toEqual(at(17));
    expect(rows.find((r) => r.title === "to everyone")!.readAt).toBeNull();
    expect(rows.every((r) => r.createdAt instanceof Date && typeof r.seq === "number")).toBe(true);
  });

  it("latestSeq is the newest row visibleRows has", async () => {
    for (const u of everyone()) {
      const [newest] = await q.visibleRows(u, { order: "desc", take: 1 });
      expect(await q.latestSeq(u)).toBe(newest?.seq ?? 0);
    }
    expect(await q.latestSeq(bob)).toBeLessThan(await q.latestSeq(alice));
  });

  it("viewersOf reads roles from the database when roles matter, and may use what it knew when they do not", async () => {
    const { viewersOf } = await import("./viewer");
    const dave = await user("dave", "user", 40);
    expect((await viewersOf([dave, "no-such-user"], { roles: true })).get(dave)).toMatchObject({ role: "user", createdAt: at(40) });
    await db.user.update({ where: { id: dave }, data: { role } });
    // A broadcast to a role: the role as it is now.
    const fresh = await viewersOf([dave, "no-such-user"], { roles: true });
    expect(fresh.get(dave)?.role).toBe(role);
    expect(fresh.has("no-such-user")).toBe(false);
    // Sign-up times only: the same sign-up time, whichever role was known.
    expect((await viewersOf([dave], { roles: false })).get(dave)?.createdAt).toEqual(at(40));
  });

  it("countUnread is the length of the unread list", async () => {
    for (const u of everyone()) {
      const unread = await q.visibleRows(u, { order: "asc", take: 500, own: { readAt: null }, broadcast: "unread" });
      expect(await q.countUnread(u)).toBe(unread.length);
    }
    // a1, to everyone, to our role, a3, after carol (a2 and "read by alice" are read; the hidden one is gone).
    expect(await q.countUnread(alice)).toBe(5);
  });
});
