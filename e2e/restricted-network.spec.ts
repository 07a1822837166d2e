// A restricted network: Chromium reaches the app only through a proxy that buffers every response
// until it completes and refuses upgrades and tunnels. SSE never arrives and WebSocket is refused,
// yet the badge must update live, over long-polling, within a few seconds of a send.
import { startRestrictedProxy } from "../test/restricted-proxy";
import { bell, expect, expectLive, pageErrors, signInContext, test } from "./fixtures";

test("behind a buffering proxy that blocks upgrades, the client degrades to long-polling and stays live", async ({ playwright, user, admin, baseURL }) => {
  test.setTimeout(90_000);
  const proxy = await startRestrictedProxy();
  const launch = test.info().project.use.launchOptions ?? {};
  const browser = await playwright.chromium.launch({
    ...launch,
    args: [...(launch.args ?? []), `--proxy-server=${proxy.url}`, "--proxy-bypass-list=<-loopback>"],
  });
  try {
    const context = await browser.newContext();
    await signInContext(context, user, baseURL!);
    const page = await context.newPage();
    const errors = pageErrors(page);
    await page.goto(`${baseURL}/inbox`);
    expect(proxy.stats.requests, "the page came through the proxy").toBeGreaterThan(0);

    // SSE opens but nothing gets through the buffer: after its first-event timeout, long-polling.
    await expectLive(page, "longpoll", 20_000);
    const sent = Date.now();
    await admin.send([user.email], "Through the proxy");
    await expect(bell(page)).toHaveAccessibleName("1 unread notification", { timeout: 5_000 });
    expect(Date.now() - sent).toBeLessThan(5_000);
    await expect(page.getByTestId("inbox-list").getByRole("heading", { name: /Through the proxy/ })).toBeVisible();

    // WebSocket, if the user asks for it, is refused by the proxy; back on Auto, long-polling again.
    const refusedBefore = proxy.stats.refusedConnects + proxy.stats.refusedUpgrades;
    await page.getByTestId("live-preference").selectOption("ws");
    await expect.poll(() => proxy.stats.refusedConnects + proxy.stats.refusedUpgrades).toBeGreaterThan(refusedBefore);
    await expect(page.getByTestId("live-status")).not.toHaveAttribute("data-status", "live");
    await page.getByTestId("live-preference").selectOption("auto");
    await expectLive(page, "longpoll", 20_000);
    await admin.send([user.email], "Still through");
    await expect(bell(page)).toHaveAccessibleName("2 unread notifications", { timeout: 5_000 });
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
    await proxy.close();
  }
});
