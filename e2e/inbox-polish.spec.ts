// Inbox polish: toasts for arriving notifications (a replay burst collapses into one), opt-in
// desktop notifications while the page is hidden (one per browser, from the tab holding the
// connection), keyboard shortcuts, relative times, and the Chinese interface.
import type { BrowserContext, Page } from "@playwright/test";
import { bell, expect, expectLive, test } from "./fixtures";

type Recorded = { title: string; body?: string; tag?: string };
type DesktopWindow = Window & {
  __desktop: Recorded[];
  __desktopShown: Array<{ onclick: (() => void) | null }>;
  __permissionRequests: number;
};

/** Replaces window.Notification by a recorder that keeps the browser's real permission. */
async function recordDesktopNotifications(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Real = window.Notification;
    const w = window as unknown as DesktopWindow;
    w.__desktop = [];
    w.__desktopShown = [];
    w.__permissionRequests = 0;
    class Recording {
      static get permission(): NotificationPermission {
        return Real.permission;
      }
      static requestPermission(): Promise<NotificationPermission> {
        w.__permissionRequests++;
        return Real.requestPermission();
      }
      onclick: (() => void) | null = null;
      constructor(title: string, options?: NotificationOptions) {
        w.__desktop.push({ title, body: options?.body, tag: options?.tag });
        w.__desktopShown.push(this);
      }
      close(): void {}
    }
    Object.defineProperty(window, "Notification", { value: Recording, configurable: true, writable: true });
  });
}

async function setVisibility(page: Page, state: "hidden" | "visible"): Promise<void> {
  await page.evaluate((value) => {
    Object.defineProperty(document, "visibilityState", { value, configurable: true });
    Object.defineProperty(document, "hidden", { value: value === "hidden", configurable: true });
    document.dispatchEvent(new Event("visibilitychange"));
  }, state);
}

const desktopCalls = (page: Page) => page.evaluate(() => (window as unknown as DesktopWindow).__desktop);

test("a toast shows an arriving message, pauses on hover, and goes on its own or when dismissed", async ({ signedInPage: page, user, admin }) => {
  await page.goto("/inbox");
  await expectLive(page);

  await admin.send([user.email], "Build is green", "All **42** checks [passed](https://ci.example).");
  const toast = page.getByTestId("toast").filter({ hasText: "Build is green" });
  await expect(toast).toBeVisible();
  await expect(toast).toContainText("New notification");
  await expect(toast).toContainText("All 42 checks passed.");
  await expect(toast.getByRole("link", { name: "View" })).toHaveAttribute("href", "/inbox");
  // Not a second live region: the announcer speaks for it.
  await expect(page.getByTestId("toasts")).not.toHaveAttribute("aria-live", /./);
  await expect(page.getByTestId("live-announcer")).toHaveText("New notification: Build is green");

  // About six seconds, then gone.
  await page.waitForTimeout(4000);
  await expect(toast).toBeVisible();
  await expect(toast).toBeHidden({ timeout: 5000 });

  // Hovering holds it.
  await admin.send([user.email], "Hover over me");
  const hovered = page.getByTestId("toast").filter({ hasText: "Hover over me" });
  await hovered.hover();
  await page.waitForTimeout(7000);
  await expect(hovered).toBeVisible();
  await page.mouse.move(0, 0);
  await expect(hovered).toBeHidden({ timeout: 9000 });

  // Dismissed by its button.
  await admin.send([user.email], "Dismiss me");
  const dismissed = page.getByTestId("toast").filter({ hasText: "Dismiss me" });
  await dismissed.getByRole("button", { name: "Dismiss: Dismiss me" }).click();
  await expect(dismissed).toBeHidden();
  await expect(bell(page)).toHaveAccessibleName("3 unread notifications");
});

test("several messages at once collapse into one toast", async ({ signedInPage: page, user, admin }) => {
  await page.goto("/inbox");
  await expectLive(page);
  await Promise.all(["Burst 1", "Burst 2", "Burst 3", "Burst 4", "Burst 5"].map((title) => admin.send([user.email], title)));
  await expect(bell(page)).toHaveAccessibleName("5 unread notifications");
  const toasts = page.getByTestId("toast");
  await expect(toasts).toHaveCount(1);
  await expect(toasts).toHaveAttribute("data-kind", "summary");
  await expect(toasts.getByTestId("toast-title")).toHaveText("5 new notifications");
  await expect(page.getByTestId("live-announcer")).toHaveText("5 new notifications");
  await expect(page.getByTestId("notification")).toHaveCount(5);
});

test("keyboard shortcuts move focus, toggle read and delete, and stay out of the way while typing", async ({ signedInPage: page, user, admin }) => {
  for (const title of ["Oldest", "Middle", "Newest"]) await admin.send([user.email], title);
  await page.goto("/inbox");
  const items = page.getByTestId("notification");
  await expect(items).toHaveCount(3);
  await expect(bell(page)).toHaveAccessibleName("3 unread notifications");

  await page.keyboard.press("j");
  await expect(items.nth(0)).toBeFocused();
  await expect(items.nth(0)).toContainText("Newest");
  await page.keyboard.press("j");
  await expect(items.nth(1)).toBeFocused();
  await page.keyboard.press("j");
  await page.keyboard.press("j"); // stays on the last
  await expect(items.nth(2)).toBeFocused();
  await page.keyboard.press("k");
  await expect(items.nth(1)).toBeFocused();
  await page.keyboard.press("ArrowUp");
  await expect(items.nth(0)).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(items.nth(1)).toBeFocused();
  await expect(items.nth(1)).toContainText("Middle");

  await page.keyboard.press("m");
  await expect(bell(page)).toHaveAccessibleName("2 unread notifications");
  await expect(items.nth(1)).toHaveAttribute("data-unread", "false");
  await expect(items.nth(1)).toBeFocused();
  await page.keyboard.press("m");
  await expect(bell(page)).toHaveAccessibleName("3 unread notifications");
  await expect(items.nth(1)).toHaveAttribute("data-unread", "true");

  await page.keyboard.press("x");
  await expect(items).toHaveCount(2);
  await expect(page.getByTestId("notification").filter({ hasText: "Middle" })).toHaveCount(0);
  await expect(bell(page)).toHaveAccessibleName("2 unread notifications");
  await expect(items.nth(1)).toBeFocused(); // the neighbour took its place
  await expect(items.nth(1)).toContainText("Oldest");

  // "?" opens the help; Escape closes it.
  await page.keyboard.press("?");
  const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("Next notification");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  // Typing in a field: nothing fires.
  await page.evaluate(() => {
    const input = document.createElement("input");
    input.setAttribute("data-testid", "scratch");
    input.setAttribute("aria-label", "Scratch");
    document.body.append(input);
  });
  const input = page.getByTestId("scratch");
  await input.focus();
  await page.keyboard.type("jkmx?");
  await expect(input).toHaveValue("jkmx?");
  await expect(input).toBeFocused();
  await expect(dialog).toBeHidden();
  await page.keyboard.press("Delete");
  await expect(items).toHaveCount(2);
  await expect(bell(page)).toHaveAccessibleName("2 unread notifications");

  // They can be turned off in the help dialog.
  await page.getByRole("button", { name: "Keyboard shortcuts" }).click();
  await dialog.getByRole("checkbox", { name: /Single-key shortcuts/ }).uncheck();
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toBeHidden();
  await page.keyboard.press("j");
  await expect(items.nth(0)).not.toBeFocused();
});

test("times read relative, with the absolute time at hand", async ({ signedInPage: page, user, admin }) => {
  await page.goto("/inbox");
  await expectLive(page);
  await admin.send([user.email], "Fresh");
  const time = page.getByTestId("notification").filter({ hasText: "Fresh" }).getByTestId("notification-time");
  await expect(time).toHaveText("now");
  await expect(time).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT/);
  await expect(time).toHaveAttribute("title", /\d{4}/);
});

test("desktop notifications: opt in on a click, then one per message from one tab while hidden", async ({ signedInPage: page, context, user, admin, baseURL }) => {
  await context.grantPermissions(["notifications"], { origin: baseURL! });
  await recordDesktopNotifications(context);
  await page.goto("/inbox");
  await expectLive(page);
  const toggle = page.getByRole("switch", { name: "Desktop notifications" });
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  expect(await page.evaluate(() => (window as unknown as DesktopWindow).__permissionRequests)).toBe(0);

  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-checked", "true");
  await expect(page.getByTestId("desktop-message")).toContainText("in the background");

  // A second tab: every tab hears every event, only the leader shows it.
  const second = await context.newPage();
  await second.goto("/lab");
  await expectLive(second);
  await expect(second.getByTestId("live-status")).toHaveAttribute("data-role", "follower");
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-role", "leader");

  await setVisibility(page, "hidden");
  await setVisibility(second, "hidden");
  await admin.send([user.email], "While you were away", "Deploy **done**: see [the log](https://ci.example/1).");
  await expect.poll(() => desktopCalls(page)).toEqual([{ title: "While you were away", body: "Deploy done: see the log.", tag: expect.any(String) }]);
  await page.waitForTimeout(1000);
  expect(await desktopCalls(page)).toHaveLength(1);
  expect(await desktopCalls(second)).toEqual([]);
  await expect(page.getByTestId("toast")).toHaveCount(0); // hidden tabs show no toasts

  // A visible tab shows a toast instead, and the hidden leader stays quiet.
  await setVisibility(second, "visible");
  await admin.send([user.email], "Seen in the other tab");
  await expect(second.getByTestId("toast").filter({ hasText: "Seen in the other tab" })).toBeVisible();
  await page.waitForTimeout(1500);
  expect(await desktopCalls(page)).toHaveLength(1);
  await second.close();

  // Clicking it brings the inbox up.
  await page.getByRole("link", { name: "Lab" }).click();
  await expect(page).toHaveURL(/\/lab$/);
  await page.evaluate(() => (window as unknown as DesktopWindow).__desktopShown[0]?.onclick?.());
  await expect(page).toHaveURL(/\/inbox$/);

  // The choice is remembered; turning it off stops them.
  await page.reload();
  await expect(toggle).toHaveAttribute("aria-checked", "true");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await setVisibility(page, "hidden");
  await admin.send([user.email], "Not on the desktop");
  await expect(bell(page)).toHaveAccessibleName("3 unread notifications");
  await page.waitForTimeout(1000);
  expect(await desktopCalls(page)).toEqual([]);
});

test("desktop notifications explain a blocked or missing permission", async ({ signedInPage: page, context }) => {
  await page.addInitScript(() => {
    class Denied {
      static readonly permission: NotificationPermission = "denied";
      static requestPermission(): Promise<NotificationPermission> {
        return Promise.resolve("denied");
      }
    }
    Object.defineProperty(window, "Notification", { value: Denied, configurable: true, writable: true });
  });
  await page.goto("/inbox");
  const toggle = page.getByRole("switch", { name: "Desktop notifications" });
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await expect(page.getByTestId("desktop-message")).toHaveText(/blocked for this site/);
  await expect(toggle).toHaveAccessibleDescription(/blocked for this site/);

  const other = await context.newPage();
  await other.addInitScript(() => {
    Reflect.deleteProperty(window, "Notification");
  });
  await other.goto("/inbox");
  const otherToggle = other.getByRole("switch", { name: "Desktop notifications" });
  await otherToggle.click();
  await expect(otherToggle).toHaveAttribute("aria-checked", "false");
  await expect(other.getByTestId("desktop-message")).toHaveText("This browser cannot show desktop notifications.");
  await other.close();
});

test("the Chinese interface shows toasts, times and the switch in Chinese", async ({ signedInPage: page, context, baseURL, user, admin }) => {
  await context.addCookies([{ name: "locale", value: "zh-CN", url: baseURL! }]);
  await page.goto("/inbox");
  await expectLive(page);
  await admin.send([user.email], "部署完成");
  const toast = page.getByTestId("toast").filter({ hasText: "部署完成" });
  await expect(toast).toBeVisible();
  await expect(toast).toContainText("新通知");
  await expect(toast.getByRole("link", { name: "查看" })).toBeVisible();
  await expect(toast.getByRole("button", { name: "关闭：部署完成" })).toBeVisible();
  await expect(page.getByTestId("notification-time")).toHaveText("现在");
  await expect(page.getByRole("switch", { name: "桌面通知" })).toBeVisible();
  await page.keyboard.press("?");
  await expect(page.getByRole("dialog", { name: "键盘快捷键" })).toBeVisible();
});
