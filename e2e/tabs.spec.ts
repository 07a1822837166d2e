// Ten tabs of one browser share one connection: one tab leads, the rest hear it over a
// BroadcastChannel. All stay live over HTTP/1.1, a read in one shows in all, and when the leader
// closes another tab takes over within about a second.
import type { Page } from "@playwright/test";
import { startServer } from "../test/server-harness";
import { adminApi, bell, createUser, expect, expectLive, pageErrors, signInContext, test } from "./fixtures";

async function roles(pages: Page[]): Promise<string[]> {
  return Promise.all(pages.map((p) => p.getByTestId("live-status").getAttribute("data-role").then((r) => r ?? "")));
}

test("ten tabs stay live on one connection, share reads, and hand over leadership", async ({ browser, request }) => {
  test.setTimeout(120_000);
  // A server of its own, so the connection gauge counts only these tabs.
  const server = await startServer();
  try {
    const user = await createUser(request, server.baseUrl, "e2e-tabs");
    const admin = await adminApi(request, server.baseUrl);
    const context = await browser.newContext();
    await signInContext(context, user, server.baseUrl);
    const pages: Page[] = [];
    const errors: Error[][] = [];
    for (let i = 0; i < 10; i++) {
      const page = await context.newPage();
      errors.push(pageErrors(page));
      await page.goto(`${server.baseUrl}/inbox`);
      pages.push(page);
    }
    for (const page of pages) await expectLive(page);
    await expect.poll(async () => (await roles(pages)).filter((r) => r === "leader").length).toBe(1);
    expect((await roles(pages)).filter((r) => r === "follower")).toHaveLength(9);
    await expect.poll(() => admin.liveConnections()).toBe(1);

    await admin.send([user.email], "To every tab");
    for (const page of pages) await expect(bell(page)).toHaveAccessibleName("1 unread notification");

    // A read in one tab shows in all.
    const reader = pages[6]!;
    await reader.getByTestId("notification").filter({ hasText: "To every tab" }).getByRole("button", { name: "Mark as read" }).click();
    for (const page of pages) await expect(bell(page)).toHaveAccessibleName("No unread notifications");

    // The leader closes: another tab takes the connection over and resumes.
    const leaderIndex = (await roles(pages)).indexOf("leader");
    const leader = pages.splice(leaderIndex, 1)[0]!;
    errors.splice(leaderIndex, 1);
    const closedAt = Date.now();
    await leader.close();
    await expect.poll(async () => (await roles(pages)).filter((r) => r === "leader").length, { timeout: 5_000 }).toBe(1);
    const handover = Date.now() - closedAt;
    test.info().annotations.push({ type: "leader handover", description: `${handover} ms` });
    for (const page of pages) await expectLive(page);
    await expect.poll(() => admin.liveConnections()).toBe(1);

    await admin.send([user.email], "After the handover");
    for (const page of pages) await expect(bell(page)).toHaveAccessibleName("1 unread notification");
    for (const e of errors) expect(e).toEqual([]);
    await context.close();
  } finally {
    await server.stop();
  }
});

test("without Web Locks (plain http), tabs elect a leader over BroadcastChannel and hand over", async ({ browser, request }) => {
  test.setTimeout(90_000);
  const server = await startServer();
  try {
    const user = await createUser(request, server.baseUrl, "e2e-nolocks");
    const admin = await adminApi(request, server.baseUrl);
    const context = await browser.newContext();
    // What an insecure origin looks like: no navigator.locks.
    await context.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, "locks", { get: () => undefined, configurable: true });
    });
    await signInContext(context, user, server.baseUrl);
    const pages: Page[] = [];
    for (let i = 0; i < 4; i++) {
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/inbox`);
      pages.push(page);
    }
    expect(await pages[0]!.evaluate(() => "locks" in navigator && navigator.locks !== undefined)).toBe(false);
    for (const page of pages) await expectLive(page);
    await expect.poll(async () => (await roles(pages)).filter((r) => r === "leader").length).toBe(1);
    await expect.poll(() => admin.liveConnections()).toBe(1);

    const leaderIndex = (await roles(pages)).indexOf("leader");
    const [leader] = pages.splice(leaderIndex, 1);
    await leader!.close();
    await expect.poll(async () => (await roles(pages)).filter((r) => r === "leader").length, { timeout: 5_000 }).toBe(1);
    await admin.send([user.email], "After the heartbeat handover");
    for (const page of pages) await expect(bell(page)).toHaveAccessibleName("1 unread notification");
    await expect.poll(() => admin.liveConnections()).toBe(1);
    await context.close();
  } finally {
    await server.stop();
  }
});
