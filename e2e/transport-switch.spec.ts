// The cursor is the same in every transport: 20 notifications written while the page is cut off,
// with the transport switched meanwhile, arrive once each and in order on the new transport.
import type { Page } from "@playwright/test";
import { startServer } from "../test/server-harness";
import { adminApi, bell, createUser, expect, expectLive, insertMessages, pageErrors, signInContext, test } from "./fixtures";

/** Listens on the tabs' BroadcastChannel, where the connection's leader posts every live event it receives. */
async function recordEvents(page: Page, userId: string): Promise<void> {
  await page.evaluate((id) => {
    const seen: string[] = [];
    (window as unknown as { __liveTitles: string[] }).__liveTitles = seen;
    const channel = new BroadcastChannel(`notif-live:${id}`);
    channel.onmessage = (m: MessageEvent<{ t: string; event?: { notification?: { title: string } } }>) => {
      const title = m.data.t === "event" ? m.data.event?.notification?.title : undefined;
      if (title) seen.push(title);
    };
  }, userId);
}

const titlesSeen = (page: Page) => page.evaluate(() => (window as unknown as { __liveTitles: string[] }).__liveTitles);

test("20 notifications missed on SSE arrive once each, in order, after switching to long-polling, then WebSocket", async ({ browser, request }) => {
  test.setTimeout(120_000);
  let server = await startServer();
  const dbFile = server.databaseUrl.slice("file:".length);
  try {
    const user = await createUser(request, server.baseUrl, "e2e-switch");
    const context = await browser.newContext();
    await signInContext(context, user, server.baseUrl);
    const page = await context.newPage();
    const errors = pageErrors(page);
    await page.goto(`${server.baseUrl}/inbox`);
    await page.getByTestId("live-preference").selectOption("sse");
    await expectLive(page, "sse");
    await recordEvents(page, user.id);

    const port = server.port;
    expect(await server.stop({ keepData: true })).toBe(0);
    const away = Array.from({ length: 20 }, (_, i) => `Away ${String(i + 1).padStart(2, "0")}`);
    insertMessages(dbFile, user.id, away);
    // Switched while cut off: the new transport starts from the cursor SSE reached.
    await page.getByTestId("live-preference").selectOption("longpoll");
    server = await startServer({ dir: server.dir, port });

    await expect(bell(page)).toHaveAccessibleName("20 unread notifications", { timeout: 40_000 });
    await expectLive(page, "longpoll");
    await expect.poll(() => titlesSeen(page)).toEqual(away);

    await page.getByTestId("live-preference").selectOption("ws");
    await expectLive(page, "ws");
    const admin = await adminApi(request, server.baseUrl);
    await admin.send([user.email], "After the switch");
    await expect(bell(page)).toHaveAccessibleName("21 unread notifications");
    await expect.poll(() => titlesSeen(page)).toEqual([...away, "After the switch"]);
    expect(errors).toEqual([]);
    await context.close();
  } finally {
    await server.stop();
  }
});
