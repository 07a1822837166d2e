import { bell, expect, test } from "./fixtures";

test("the badge rises live when a message is sent from elsewhere", async ({ signedInPage: page, user, admin }) => {
  await page.goto("/inbox");
  await expect(bell(page)).toHaveAccessibleName("No unread notifications");
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
  await expect(page).toHaveTitle(/^Inbox/);

  await admin.send([user.email], "Deploy finished");
  await expect(bell(page)).toHaveAccessibleName("1 unread notification");
  await expect(page).toHaveTitle(/^\(1\) Inbox/);
  await expect(page.getByTestId("inbox-list").getByRole("heading", { name: /Deploy finished/ })).toBeVisible();
  await expect(page.getByTestId("live-announcer")).toHaveText("New notification: Deploy finished");

  await admin.send([user.email], "Second one");
  await expect(bell(page)).toHaveAccessibleName("2 unread notifications");
  await expect(page).toHaveTitle(/^\(2\) /);

  // The dropdown shows the latest items and updates while open.
  await bell(page).click();
  const panel = page.getByRole("region", { name: "Notifications" });
  await expect(panel.getByTestId("notification")).toHaveCount(2);
  await admin.send([user.email], "Third while open");
  await expect(panel.getByRole("heading", { name: /Third while open/ })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(panel).toBeHidden();
  await expect(bell(page)).toBeFocused();
});

test("inbox actions: mark read and unread, read all, delete, tabs", async ({ signedInPage: page, user, admin }) => {
  await admin.send([user.email], "Alpha");
  await admin.send([user.email], "Beta");
  await page.goto("/inbox");
  await expect(bell(page)).toHaveAccessibleName("2 unread notifications");

  const alpha = page.getByTestId("notification").filter({ hasText: "Alpha" });
  await alpha.getByRole("button", { name: "Mark as read" }).click();
  await expect(bell(page)).toHaveAccessibleName("1 unread notification");
  await expect(alpha).toHaveAttribute("data-unread", "false");

  await page.getByRole("tab", { name: /Unread/ }).click();
  await expect(page.getByTestId("notification")).toHaveCount(1);
  await expect(page.getByTestId("notification")).toContainText("Beta");

  await page.getByRole("tab", { name: "All" }).click();
  await alpha.getByRole("button", { name: "Mark as unread" }).click();
  await expect(bell(page)).toHaveAccessibleName("2 unread notifications");

  await page.getByRole("button", { name: "Mark all as read" }).click();
  await expect(bell(page)).toHaveAccessibleName("No unread notifications");
  await expect(page).toHaveTitle(/^Inbox/);

  await page.getByTestId("notification").filter({ hasText: "Beta" }).getByRole("button", { name: "Delete" }).click();
  await expect(page.getByTestId("notification").filter({ hasText: "Beta" })).toHaveCount(0);
  await page.getByRole("tab", { name: "Announcements" }).click();
  await expect(page.getByTestId("notification")).toHaveCount(1);
});

test("marking read in one tab lowers the badge in another", async ({ signedInPage: page, context, user, admin }) => {
  await admin.send([user.email], "Read me in tab A");
  const second = await context.newPage();
  await page.goto("/inbox");
  await second.goto("/inbox");
  await expect(bell(page)).toHaveAccessibleName("1 unread notification");
  await expect(bell(second)).toHaveAccessibleName("1 unread notification");

  await page.getByTestId("notification").filter({ hasText: "Read me in tab A" }).getByRole("button", { name: "Mark as read" }).click();
  await expect(bell(second)).toHaveAccessibleName("No unread notifications");
  await expect(second.getByTestId("notification").filter({ hasText: "Read me in tab A" })).toHaveAttribute("data-unread", "false");
});

test("load more pages through older notifications", async ({ signedInPage: page, user, admin }) => {
  for (let i = 1; i <= 23; i++) await admin.send([user.email], `Bulk ${i}`);
  await page.goto("/inbox");
  await expect(page.getByTestId("notification")).toHaveCount(20);
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(page.getByTestId("notification")).toHaveCount(23);
  await expect(page.getByRole("button", { name: "Load more" })).toBeHidden();
});

test("the Chinese interface renders and names the bell in Chinese", async ({ signedInPage: page, context, baseURL, user, admin }) => {
  await context.addCookies([{ name: "locale", value: "zh-CN", url: baseURL! }]);
  await admin.send([user.email], "你好");
  await page.goto("/inbox");
  await expect(page.getByRole("heading", { name: "收件箱" })).toBeVisible();
  await expect(bell(page)).toHaveAccessibleName("1 条未读通知");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
});
