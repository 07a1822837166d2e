import { randomUUID } from "node:crypto";
import { bell, expect, test } from "./fixtures";

test("a visitor signs up, lands in the inbox, signs out and back in", async ({ page }) => {
  const email = `signup-${randomUUID().slice(0, 8)}@test.example`;
  await page.goto("/signup");
  await page.getByLabel("Name").fill("Carol");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct horse");
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page).toHaveURL(/\/inbox$/);
  await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
  await expect(bell(page)).toHaveAccessibleName("No unread notifications");
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("wrong password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("form-error")).toHaveText("That email and password do not match an account.");

  await page.getByLabel("Password").fill("correct horse");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/inbox$/);
  await expect(bell(page)).toBeVisible();
});

test("signed-in pages send an anonymous visitor to the login page", async ({ page }) => {
  await page.goto("/inbox");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Finbox/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("the demo account signs in with the contract's password", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill("alice@example.com");
  await page.getByLabel("Password").fill("demo1234");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/inbox$/);
  await expect(page.getByTestId("notification").first()).toBeVisible();
});
