// The history (GET /api/admin/announcements) and withdrawal (DELETE /api/admin/announcements/{id}).
import { beforeAll, describe, expect, it } from "vitest";
import { adminClient, baseUrl, EVIL_ORIGIN, expectError, ISO, list } from "@/test/api";
import { collect, sendMessage, TestClient } from "@/test/client";

type Item = {
  id: string;
  title: string;
  audience: { type: string; emails?: string[] };
  publishAt: string;
  publishedAt: string | null;
  createdBy: string;
  recipientCount: number;
  readCount: number;
};
type Page = { items: Item[]; nextCursor: string | null };

let admin: TestClient;
beforeAll(async () => {
  admin = await adminClient();
});

async function send(title: string, emails: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const res = await admin.fetch("/api/admin/announcements", { method: "POST", json: { title, body: "body", audience: { type: "users", emails }, ...extra } });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function history(query = ""): Promise<Page> {
  const res = await admin.fetch(`/api/admin/announcements${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Page;
}

describe("GET /api/admin/announcements", () => {
  it("lists the history newest first with audience, author, recipients and reads", async () => {
    const a = new TestClient(baseUrl);
    const b = new TestClient(baseUrl);
    const ua = await a.signUpFresh("hist-a");
    const ub = await b.signUpFresh("hist-b");
    const id = await send("History item", [ua.email, ub.email]);
    const mine = (await list(a)).items.find((n) => n.title === "History item")!;
    expect((await a.fetch(`/api/notifications/${mine.id}`, { method: "PATCH", json: { read: true } })).status).toBe(200);

    const { items } = await history();
    expect(items.find((i) => i.id === id)).toEqual({
      id,
      title: "History item",
      audience: { type: "users", emails: [ua.email, ub.email] },
      publishAt: expect.stringMatching(ISO),
      publishedAt: expect.stringMatching(ISO),
      createdBy: "admin@example.com",
      recipientCount: 2,
      readCount: 1,
    });
  });

  it("pages with nextCursor without repeating or skipping", async () => {
    const u = new TestClient(baseUrl);
    const me = await u.signUpFresh("hist-page");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await send(`Paged ${i}`, [me.email]));
    // Other test files send meanwhile: walk every page and check order and uniqueness.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await history(`?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor && seen.filter((id) => ids.includes(id)).length < ids.length);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => ids.includes(id))).toEqual([...ids].reverse());
  });

  it("keeps paging after the item a cursor points at was withdrawn", async () => {
    const u = new TestClient(baseUrl);
    const me = await u.signUpFresh("hist-gone");
    const older = await send("Older", [me.email]);
    const newer = await send("Newer", [me.email]);
    // Other test files send meanwhile: walk one item a page to the page that ends at "Newer".
    let page = await history("?limit=1");
    for (let i = 0; i < 50 && page.items[0]?.id !== newer; i++) page = await history(`?limit=1&cursor=${page.nextCursor}`);
    expect(page.items[0]?.id).toBe(newer);
    expect((await admin.fetch(`/api/admin/announcements/${newer}`, { method: "DELETE" })).status).toBe(204);
    // Its cursor still leads on, to "Older".
    let cursor = page.nextCursor;
    let found = false;
    for (let i = 0; i < 50 && cursor && !found; i++) {
      const next = await history(`?limit=1&cursor=${cursor}`);
      found = next.items.some((item) => item.id === older);
      cursor = next.nextCursor;
    }
    expect(found).toBe(true);
  });

  it("shows a scheduled announcement as not yet published", async () => {
    const u = new TestClient(baseUrl);
    const me = await u.signUpFresh("hist-sched");
    const id = await send("Later", [me.email], { publishAt: new Date(Date.now() + 3600_000).toISOString() });
    const item = (await history()).items.find((i) => i.id === id)!;
    expect(item.publishedAt).toBeNull();
    expect(item.readCount).toBe(0);
  });

  it("is for admins only, and rejects bad queries with 400", async () => {
    await expectError(await fetch(`${baseUrl}/api/admin/announcements`), 401, "unauthenticated");
    const user = new TestClient(baseUrl);
    expect(await user.signIn("alice@example.com")).toBe(true);
    await expectError(await user.fetch("/api/admin/announcements"), 403, "forbidden");
    await expectError(await admin.fetch("/api/admin/announcements?limit=0"), 400, "invalid_request", { fields: ["limit"] });
    await expectError(await admin.fetch("/api/admin/announcements?cursor=%24%24"), 400, "invalid_request", { fields: ["cursor"] });
  });
});

describe("DELETE /api/admin/announcements/{id}", () => {
  it("withdraws it from every inbox and lowers the badges live", async () => {
    const a = new TestClient(baseUrl);
    const b = new TestClient(baseUrl);
    const ua = await a.signUpFresh("wd-a");
    const ub = await b.signUpFresh("wd-b");
    expect((await sendMessage(admin, [ua.email], "Stays")).status).toBe(201);
    const id = await send("Withdrawn soon", [ua.email, ub.email]);
    const esa = a.eventSource();
    const esb = b.eventSource();
    const sa = collect(esa);
    const sb = collect(esb);
    expect((await sa.next()).unreadCount).toBe(2);
    expect((await sb.next()).unreadCount).toBe(1);

    const res = await admin.fetch(`/api/admin/announcements/${id}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect((await sa.next((e) => e.unreadCount === 1)).notification).toBeUndefined();
    expect((await sb.next((e) => e.unreadCount === 0)).notification).toBeUndefined();
    esa.close();
    esb.close();
    expect((await list(a)).items.map((n) => n.title)).toEqual(["Stays"]);
    expect((await list(b)).items).toEqual([]);
    expect((await history()).items.some((i) => i.id === id)).toBe(false);

    // Gone: a second withdrawal is a 404, not a 5xx.
    await expectError(await admin.fetch(`/api/admin/announcements/${id}`, { method: "DELETE" }), 404, "not_found");
  });

  it("cancels a scheduled announcement before it goes out", async () => {
    const u = new TestClient(baseUrl);
    const me = await u.signUpFresh("wd-sched");
    const id = await send("Never", [me.email], { publishAt: new Date(Date.now() + 1500).toISOString() });
    expect((await admin.fetch(`/api/admin/announcements/${id}`, { method: "DELETE" })).status).toBe(204);
    await new Promise((r) => setTimeout(r, 2500));
    expect((await list(u)).items).toEqual([]);
  });

  it("is for admins only, same-origin, and answers unknown or malformed ids with 404", async () => {
    const u = new TestClient(baseUrl);
    const me = await u.signUpFresh("wd-auth");
    const id = await send("Protected", [me.email]);
    await expectError(await fetch(`${baseUrl}/api/admin/announcements/${id}`, { method: "DELETE" }), 401, "unauthenticated");
    await expectError(await u.fetch(`/api/admin/announcements/${id}`, { method: "DELETE" }), 403, "forbidden");
    await expectError(await admin.fetch(`/api/admin/announcements/${id}`, { method: "DELETE", headers: { origin: EVIL_ORIGIN } }), 403, "forbidden");
    await expectError(await admin.fetch("/api/admin/announcements/nope", { method: "DELETE" }), 404, "not_found");
    await expectError(await admin.fetch("/api/admin/announcements/a%20b", { method: "DELETE" }), 404, "not_found");
    expect((await list(u)).items.map((n) => n.title)).toEqual(["Protected"]);
  });
});
