// Each transport, forced by the user's setting, on a server of its own: the badge rises live, and
// after the server is cut (restart) every notification written meanwhile arrives once.
import { type Browser, type Page } from "@playwright/test";
import { startServer, type TestServer } from "../test/server-harness";
import { adminApi, bell, createUser, expect, expectLive, insertMessages, pageErrors, signInContext, test, type TestUser } from "./fixtures";

const TRANSPORTS = ["sse", "ws", "longpoll", "poll"] as const;
type Transport = (typeof TRANSPORTS)[number];

async function openForced(browser: Browser, server: TestServer, user: TestUser, transport: Transport) {
  const context = await browser.newContext();
  await signInContext(context, user, server.baseUrl);
  const page = await context.newPage();
  const errors = pageErrors(page);
  await page.goto(`${server.baseUrl}/inbox`);
  await expectLive(page);
  // The user's setting, as a person would pick it.
  await page.getByTestId("live-preference").selectOption(transport);
  await expectLive(page, transport);
  return { context, page, errors };
}

async function missedOnce(page: Page, titles: string[]): Promise<void> {
  for (const title of titles) {
    await expect(page.getByTestId("inbox-list").getByRole("heading", { name: new RegExp(`(^|: )${title}$`) })).toHaveCount(1);
  }
}

test("every transport, forced by the setting, is live and resumes after a cut with nothing lost or doubled", async ({ browser, request }) => {
  test.setTimeout(150_000);
  let server = await startServer();
  const dbFile = server.databaseUrl.slice("file:".length);
  try {
    const sessions: Array<{ transport: Transport; user: TestUser; page: Page; errors: Error[] }> = [];
    for (const transport of TRANSPORTS) {
      const user = await createUser(request, server.baseUrl, `e2e-${transport}`);
      const { page, errors } = await openForced(browser, server, user, transport);
      sessions.push({ transport, user, page, errors });
    }

    const admin = await adminApi(request, server.baseUrl);
    for (const s of sessions) await admin.send([s.user.email], `Live over ${s.transport}`);
    for (const s of sessions) {
      // Short polling asks every 10 s; the others are immediate.
      await expect(bell(s.page)).toHaveAccessibleName("1 unread notification", { timeout: 15_000 });
      await expect(s.page.getByTestId("inbox-list").getByRole("heading", { name: new RegExp(`Live over ${s.transport}`) })).toHaveCount(1);
    }

    // The setting is remembered across a reload.
    await sessions[1]!.page.reload();
    await expectLive(sessions[1]!.page, "ws");

    // Cut: stop the server; a backend writes three notifications per user; the server comes back.
    const port = server.port;
    expect(await server.stop({ keepData: true })).toBe(0);
    for (const s of sessions) await expect(s.page.getByTestId("live-status")).not.toHaveAttribute("data-status", "live", { timeout: 15_000 });
    const missed = (t: Transport) => [1, 2, 3].map((i) => `Missed ${t} ${i}`);
    for (const s of sessions) insertMessages(dbFile, s.user.id, missed(s.transport));
    server = await startServer({ dir: server.dir, port });

    for (const s of sessions) {
      await expect(bell(s.page)).toHaveAccessibleName("4 unread notifications", { timeout: 40_000 });
      await expectLive(s.page, s.transport);
      await missedOnce(s.page, [...missed(s.transport), `Live over ${s.transport}`]);
      expect(s.errors).toEqual([]);
    }
  } finally {
    await server.stop();
  }
});
