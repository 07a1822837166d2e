import type { Locator } from "@playwright/test";
import { expect, test } from "./fixtures";

const PANELS = ["sse", "ws", "longpoll", "poll"] as const;

async function numberIn(locator: Locator): Promise<number> {
  const raw = await locator.getAttribute("data-value");
  expect(raw, "a numeric data-value").toMatch(/^\d+$/);
  return Number(raw);
}

async function expectDelivered(panel: Locator, test: number): Promise<number> {
  // Short polling asks every 5 s in the lab; the restricted network may be mid-fallback.
  await expect(panel.getByTestId("lab-delivered")).toHaveAttribute("data-test", String(test));
  await expect(panel.getByTestId("lab-delivered")).toHaveAttribute("data-state", "delivered", { timeout: 20_000 });
  await expect(panel.getByTestId("lab-delivered")).toHaveText(/Delivered/);
  await expect(panel.getByTestId("lab-latency")).toHaveText(/^\d[\d,]* ms$/);
  const latency = await numberIn(panel.getByTestId("lab-latency"));
  expect(await numberIn(panel.getByTestId("lab-requests"))).toBeGreaterThan(0);
  return latency;
}

test("the lab: four transports side by side deliver a test message; a restricted network falls back to long-polling", async ({ signedInPage: page }) => {
  test.setTimeout(60_000);
  await page.goto("/lab");
  await expect(page.getByRole("heading", { level: 1, name: "Transport lab" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Lab" })).toBeVisible();

  for (const transport of PANELS) {
    const panel = page.getByTestId(`lab-panel-${transport}`);
    await expect(panel.getByTestId("lab-status")).toHaveAttribute("data-status", "live");
    await expect(panel.getByTestId("lab-delivered")).toHaveAttribute("data-state", "idle");
  }
  await expect(page.getByTestId("lab-panel-poll").getByTestId("lab-poll-interval")).toHaveText("Period here: 5 s");

  await page.getByRole("button", { name: "Send me a test notification" }).click();
  await expect(page.getByTestId("lab-send-status")).toHaveText(/^Sent at /);

  const latencies: Record<string, number> = {};
  for (const transport of PANELS) latencies[transport] = await expectDelivered(page.getByTestId(`lab-panel-${transport}`), 1);
  // Streams hear of it at once; polling only at its next tick (at most one 5 s period later).
  expect(latencies.sse!).toBeLessThan(5000);
  expect(latencies.ws!).toBeLessThan(5000);
  expect(latencies.poll!).toBeLessThan(5000 + 2000);
  // A stream made one request; polling keeps asking.
  expect(await numberIn(page.getByTestId("lab-panel-sse").getByTestId("lab-requests"))).toBe(1);
  expect(await numberIn(page.getByTestId("lab-panel-ws").getByTestId("lab-requests"))).toBe(1);
  expect(await numberIn(page.getByTestId("lab-panel-sse").getByTestId("lab-bytes"))).toBeGreaterThan(0);

  // The restricted network: WebSocket refused, SSE held back, settled on long-polling, and it delivered too.
  const restricted = page.getByTestId("lab-panel-restricted");
  await expect(restricted.getByTestId("lab-transport")).toHaveAttribute("data-transport", "longpoll", { timeout: 15_000 });
  await expect(restricted.getByTestId("lab-transport")).toHaveText("Long-polling");
  await expect(restricted.getByTestId("lab-status")).toHaveAttribute("data-status", "live");
  await expectDelivered(restricted, 1);
  const log = restricted.getByTestId("lab-log");
  await expect(log).toContainText("WebSocket upgrade refused by the proxy");
  await expect(log).toContainText(/No first event on SSE after \d\.\d s — switching to Long-polling/);
  await expect(log).toContainText("Long-polling live");
  await expect(log).toContainText(/Test message arrived via Long-polling in [\d,]+ ms/);

  // A second test: every panel waits for it afresh, then delivers it.
  await page.getByRole("button", { name: "Send me a test notification" }).click();
  for (const transport of PANELS) await expectDelivered(page.getByTestId(`lab-panel-${transport}`), 2);
  await expectDelivered(restricted, 2);
});

test("the lab in Chinese", async ({ signedInPage: page, context, baseURL }) => {
  await context.addCookies([{ name: "locale", value: "zh-CN", url: baseURL! }]);
  await page.goto("/lab");
  await expect(page.getByRole("heading", { level: 1, name: "传输实验室" })).toBeVisible();
  await expect(page.getByRole("button", { name: "给我发一条测试通知" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "受限网络（模拟）" })).toBeVisible();
  await expect(page).toHaveTitle(/^传输实验室/);
});
