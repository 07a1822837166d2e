// The /admin dashboard end to end. Announcements to everyone or to a role reach every account on a
// server, and other spec files share the e2e server in parallel: every test that sends to "all" or a
// role starts a server of its own (with the demo accounts) and signs its browsers in there.
import { request as playwrightRequest, type Browser, type BrowserContext, type Locator, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { startServer, type TestServer } from "../test/server-harness";
import { bell, createUser, expect, expectLive, pageErrors, signInContext, test } from "./fixtures";

const PASSWORD = "demo1234";

type Session = { context: BrowserContext; page: Page; errors: Error[]; api: Awaited<ReturnType<typeof playwrightRequest.newContext>> };

/** Signs a demo account in the way a browser does (csrf → credentials) and opens a page with that session. */
async function signIn(browser: Browser, baseUrl: string, email: string, opts: { locale?: string } = {}): Promise<Session> {
  const api = await playwrightRequest.newContext({ baseURL: baseUrl });
  const { csrfToken } = (await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const login = await api.post("/api/auth/callback/credentials", { form: { csrfToken, email, password: PASSWORD, json: "true" } });
  expect(login.ok()).toBe(true);
  const state = await api.storageState();
  expect(state.cookies.map((c) => c.name)).toContain("next-auth.session-token");
  const context = await browser.newContext({ storageState: state, baseURL: baseUrl });
  if (opts.locale) await context.addCookies([{ name: "locale", value: opts.locale, url: baseUrl }]);
  const page = await context.newPage();
  return { context, page, errors: pageErrors(page), api };
}

async function closeAll(sessions: Session[]): Promise<void> {
  for (const s of sessions) {
    expect(s.errors, s.errors.map((e) => e.stack).join("\n")).toEqual([]);
    await s.context.close();
    await s.api.dispose();
  }
}

/** A server of this test's own, stopped (and its sessions closed) whatever happens. */
async function withOwnServer(fn: (server: TestServer, sessions: Session[]) => Promise<void>): Promise<void> {
  const server = await startServer();
  const sessions: Session[] = [];
  try {
    await fn(server, sessions);
    await closeAll(sessions);
  } finally {
    for (const s of sessions) {
      await s.context.close().catch(() => undefined);
      await s.api.dispose().catch(() => undefined);
    }
    await server.stop();
  }
}

function compose(page: Page) {
  const form = page.getByRole("region", { name: "New announcement" });
  return {
    form,
    title: form.getByLabel("Title", { exact: true }),
    body: form.getByLabel("Message (Markdown)", { exact: true }),
    preview: form.getByTestId("compose-preview"),
    status: form.getByTestId("compose-status"),
    recipients: form.getByRole("combobox", { name: "Recipients" }),
  };
}

function historyRow(page: Page, title: string): Locator {
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return page.getByTestId("history-row").filter({ has: page.getByRole("rowheader", { name: new RegExp(`^${escaped}`) }) });
}

test.describe("admin dashboard", () => {
  test("an admin sends to everyone from /admin: Alice's and Bob's badges rise live, reads show in the history", async ({ browser }) => {
    test.setTimeout(90_000);
    await withOwnServer(async (server, sessions) => {
      const admin = await signIn(browser, server.baseUrl, "admin@example.com");
      const alice = await signIn(browser, server.baseUrl, "alice@example.com");
      const bob = await signIn(browser, server.baseUrl, "bob@example.com");
      sessions.push(admin, alice, bob);
      for (const s of [alice, bob]) {
        await s.page.goto("/inbox");
        await expectLive(s.page);
        await expect(bell(s.page)).toHaveAccessibleName("2 unread notifications");
      }

      await admin.page.goto("/admin");
      await expect(admin.page.getByRole("heading", { level: 1, name: "Administration" })).toBeVisible();
      await expect(admin.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" })).toBeVisible();
      const c = compose(admin.page);
      await c.title.fill("Maintenance tonight");
      await c.body.fill("We **restart** at 22:00.\n\n- the inbox\n- the API");
      // The preview renders as the inbox will.
      await expect(c.preview.locator("strong")).toHaveText("restart");
      await expect(c.preview.locator("li")).toHaveText(["the inbox", "the API"]);
      await expect(c.form.getByRole("radio", { name: "Everyone", exact: true })).toBeChecked();
      await c.form.getByRole("button", { name: "Send now" }).click();
      await expect(c.status).toHaveText("Sent to 3 recipients.");
      await expect(c.title).toHaveValue("");

      for (const s of [alice, bob]) {
        await expect(bell(s.page)).toHaveAccessibleName("3 unread notifications");
        await expect(s.page.getByTestId("inbox-list").getByRole("heading", { name: /Maintenance tonight/ })).toBeVisible();
      }

      const row = historyRow(admin.page, "Maintenance tonight");
      await expect(row.getByTestId("history-audience")).toHaveText("Everyone");
      await expect(row.getByTestId("history-state")).toHaveAttribute("data-state", "published");
      await expect(row.getByTestId("history-recipients")).toHaveText("3");
      await expect(row.getByTestId("history-reads")).toHaveText("0");
      await expect(row.getByTestId("history-rate")).toHaveText("0%");

      // Alice reads it: the history follows at its next poll (every 5 s).
      await alice.page.getByTestId("notification").filter({ hasText: "Maintenance tonight" }).getByRole("button", { name: "Mark as read" }).click();
      await expect(row.getByTestId("history-reads")).toHaveText("1", { timeout: 12_000 });
      await expect(row.getByTestId("history-rate")).toHaveText("33%");

      // Three browsers, one live connection each, all SSE.
      await expect(admin.page.getByTestId("live-total")).toHaveAttribute("data-value", "3", { timeout: 12_000 });
      await expect(admin.page.getByTestId("live-sse")).toHaveAttribute("data-value", "3");
      await expect(admin.page.getByTestId("live-ws")).toHaveAttribute("data-value", "0");
    });
  });

  test("an announcement to the admin role reaches the admin and not Alice", async ({ browser }) => {
    test.setTimeout(60_000);
    await withOwnServer(async (server, sessions) => {
      const admin = await signIn(browser, server.baseUrl, "admin@example.com");
      const alice = await signIn(browser, server.baseUrl, "alice@example.com");
      sessions.push(admin, alice);
      await alice.page.goto("/inbox");
      await expectLive(alice.page);
      await admin.page.goto("/admin");
      await expectLive(admin.page);
      await expect(bell(admin.page)).toHaveAccessibleName("2 unread notifications");
      await expect(bell(alice.page)).toHaveAccessibleName("2 unread notifications");

      const c = compose(admin.page);
      await c.title.fill("Admins only");
      await c.body.fill("Rotate the keys on Friday.");
      await c.form.getByRole("radio", { name: "Everyone with a role" }).check();
      await c.form.getByLabel("Role", { exact: true }).selectOption("admin");
      await c.form.getByRole("button", { name: "Send now" }).click();
      await expect(c.status).toHaveText("Sent to 1 recipient.");

      await expect(bell(admin.page)).toHaveAccessibleName("3 unread notifications");
      await expect(historyRow(admin.page, "Admins only").getByTestId("history-audience")).toHaveText("Administrators");
      // Alice's badge did not move, and her inbox (read afresh) does not hold it.
      await expect(bell(alice.page)).toHaveAccessibleName("2 unread notifications");
      await alice.page.reload();
      await expect(alice.page.getByTestId("notification")).toHaveCount(3);
      await expect(alice.page.getByTestId("inbox-list")).not.toContainText("Admins only");
    });
  });

  test("a scheduled announcement appears in the recipient's inbox at its time, picked by autocomplete", async ({ browser, baseURL, request }) => {
    test.setTimeout(60_000);
    const user = await createUser(request, baseURL!, "e2e-sched");
    const recipientContext = await browser.newContext();
    await signInContext(recipientContext, user, baseURL!);
    const recipient = await recipientContext.newPage();
    const admin = await signIn(browser, baseURL!, "admin@example.com");
    try {
      await recipient.goto("/inbox");
      await expectLive(recipient);
      await expect(bell(recipient)).toHaveAccessibleName("No unread notifications");

      await admin.page.goto("/admin");
      const c = compose(admin.page);
      const title = `Scheduled ${randomUUID().slice(0, 8)}`;
      await c.title.fill(title);
      await c.body.fill("Right on time.");
      await c.form.getByRole("radio", { name: "Specific people" }).check();

      // An address nobody has: the server's 422 shows next to the recipients.
      const nobody = `nobody-${randomUUID().slice(0, 8)}@example.com`;
      await c.recipients.fill(nobody);
      await c.recipients.press("Enter");
      await c.form.getByRole("button", { name: "Send now" }).click();
      await expect(c.form.getByTestId("error-recipients")).toHaveText(`No account for: ${nobody}`);
      await expect(c.recipients).toHaveAttribute("aria-invalid", "true");
      await c.form.getByRole("button", { name: `Remove ${nobody}` }).click();

      // Autocomplete by prefix, chosen with the keyboard.
      await c.recipients.fill(user.email.slice(0, "e2e-sched-".length + 4));
      const option = c.form.getByRole("option", { name: new RegExp(user.email) });
      await expect(option).toBeVisible();
      await expect(c.recipients).toHaveAttribute("aria-expanded", "true");
      await c.recipients.press("ArrowDown");
      await expect(option).toHaveAttribute("aria-selected", "true");
      await c.recipients.press("Enter");
      await expect(c.form.getByTestId("recipients").getByRole("listitem")).toHaveText([`${user.email}×`]);

      await c.form.getByRole("radio", { name: "At a set time" }).check();
      const publishAt = await admin.page.evaluate(() => {
        const d = new Date(Date.now() + 7000);
        d.setMilliseconds(0);
        const p = (n: number) => String(n).padStart(2, "0");
        // The input normalizes away ":00" seconds; fill must match what it keeps.
        const seconds = d.getSeconds() ? `:${p(d.getSeconds())}` : "";
        return { ms: d.getTime(), local: `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}${seconds}` };
      });
      await c.form.getByLabel("Publish at").fill(publishAt.local);
      await c.form.getByRole("button", { name: "Schedule", exact: true }).click();
      await expect(c.status).toContainText("Scheduled for");
      await expect(c.status).toContainText("1 recipient as of now");
      const row = historyRow(admin.page, title);
      await expect(row.getByTestId("history-state")).toHaveAttribute("data-state", "scheduled");
      await expect(row.getByTestId("history-audience")).toHaveText(user.email);

      // Not before its time…
      expect(Date.now()).toBeLessThan(publishAt.ms);
      await expect(bell(recipient)).toHaveAccessibleName("No unread notifications");
      await expect(recipient.getByTestId("notification").filter({ hasText: title })).toHaveCount(0);
      // …and live, without a reload, when it comes.
      await expect(recipient.getByTestId("inbox-list").getByRole("heading", { name: new RegExp(title) })).toBeVisible({ timeout: 15_000 });
      expect(Date.now()).toBeGreaterThanOrEqual(publishAt.ms - 500);
      await expect(bell(recipient)).toHaveAccessibleName("1 unread notification");
      await expect(row.getByTestId("history-state")).toHaveAttribute("data-state", "published", { timeout: 12_000 });
      await expect(row.getByTestId("history-recipients")).toHaveText("1");
    } finally {
      await closeAll([admin]);
      await recipientContext.close();
    }
  });

  test("withdrawing from the history, after a confirmation, takes it out of Alice's inbox and badge", async ({ browser }) => {
    test.setTimeout(60_000);
    await withOwnServer(async (server, sessions) => {
      const admin = await signIn(browser, server.baseUrl, "admin@example.com");
      const alice = await signIn(browser, server.baseUrl, "alice@example.com");
      sessions.push(admin, alice);
      await alice.page.goto("/inbox");
      await expectLive(alice.page);
      await expect(bell(alice.page)).toHaveAccessibleName("2 unread notifications");
      const sent = await admin.api.post("/api/admin/announcements", {
        data: { title: "Sent by mistake", body: "Please ignore.", audience: { type: "all" } },
      });
      expect(sent.status(), await sent.text()).toBe(201);
      await expect(bell(alice.page)).toHaveAccessibleName("3 unread notifications");
      const item = alice.page.getByTestId("notification").filter({ hasText: "Sent by mistake" });
      await expect(item).toBeVisible();

      await admin.page.goto("/admin");
      const row = historyRow(admin.page, "Sent by mistake");
      const withdraw = row.getByRole("button", { name: "Withdraw “Sent by mistake”" });
      await withdraw.click();
      const dialog = admin.page.getByRole("dialog", { name: "Withdraw “Sent by mistake”?" });
      await expect(dialog).toBeVisible();
      await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
      // Escape cancels: nothing happens, focus returns to the button.
      await admin.page.keyboard.press("Escape");
      await expect(dialog).toBeHidden();
      await expect(withdraw).toBeFocused();
      await expect(row).toBeVisible();
      await expect(bell(alice.page)).toHaveAccessibleName("3 unread notifications");

      await withdraw.press("Enter");
      await expect(dialog).toBeVisible();
      await dialog.getByRole("button", { name: "Withdraw", exact: true }).click();
      await expect(dialog).toBeHidden();
      await expect(row).toHaveCount(0);
      await expect(admin.page.getByTestId("history-status")).toHaveText("“Sent by mistake” was withdrawn.");
      await expect(bell(alice.page)).toHaveAccessibleName("2 unread notifications");
      await expect(item).toHaveCount(0);
    });
  });

  test("a user is sent from /admin to the inbox and refused by the admin API; an anonymous visitor signs in first", async ({ browser, baseURL }) => {
    const alice = await signIn(browser, baseURL!, "alice@example.com");
    try {
      const res = await alice.page.goto("/admin");
      expect(res?.status()).toBe(200);
      await expect(alice.page).toHaveURL(/\/inbox$/);
      await expect(alice.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" })).toHaveCount(0);
      for (const [method, path] of [
        ["GET", "/api/admin/announcements"],
        ["GET", "/api/admin/users?q=a"],
        ["GET", "/api/admin/stats"],
        ["GET", "/api/admin/api-keys"],
        ["POST", "/api/admin/announcements"],
        ["POST", "/api/admin/api-keys"],
      ] as const) {
        const r = await alice.api.fetch(path, { method, data: method === "POST" ? { name: "x" } : undefined });
        expect(r.status(), `${method} ${path}`).toBe(403);
        expect(((await r.json()) as { error: { code: string } }).error.code).toBe("forbidden");
      }
    } finally {
      await closeAll([alice]);
    }
    const anonymous = await browser.newContext({ baseURL });
    const page = await anonymous.newPage();
    await page.goto("/admin");
    await expect(page).toHaveURL(/\/login\?callbackUrl=/);
    await anonymous.close();
  });

  test("XSS payloads in a body stay inert in the preview, the bell's dropdown and the inbox", async ({ browser, baseURL, request }) => {
    test.setTimeout(60_000);
    const payloads = [
      "<script>alert(1)</script>",
      "<img src=x onerror=alert(1)>",
      "[x](javascript:alert(1))",
      '<a href="javascript:alert(1)">a</a>',
      "<svg onload=alert(1)>",
      "<iframe src=javascript:alert(1)></iframe>",
      '[y](JaVaScRiPt:alert(1) "t")',
      "![z](javascript:alert(1))",
    ];
    const body = `Hello **there**.\n\n${payloads.join("\n\n")}\n\nInline: ${payloads.join(" ")}`;
    const title = `XSS <img src=x onerror=alert(1)> ${randomUUID().slice(0, 8)}`;
    const user = await createUser(request, baseURL!, "e2e-xss");
    const dialogs: string[] = [];
    const admin = await signIn(browser, baseURL!, "admin@example.com");
    const userContext = await browser.newContext();
    await signInContext(userContext, user, baseURL!);
    const page = await userContext.newPage();
    for (const p of [admin.page, page]) p.on("dialog", (d) => void d.dismiss().finally(() => dialogs.push(d.message())));
    try {
      await admin.page.goto("/admin");
      const c = compose(admin.page);
      await c.title.fill(title);
      await c.body.fill(body);
      await expect(c.preview.locator("strong")).toHaveText("there");
      await expectInert(admin.page, c.preview.locator(".prose-notification"));

      await c.form.getByRole("radio", { name: "Specific people" }).check();
      await c.recipients.fill(user.email);
      await c.recipients.press("Enter");
      await c.form.getByRole("button", { name: "Send now" }).click();
      await expect(c.status).toHaveText("Sent to 1 recipient.");

      await page.goto("/inbox");
      const inboxItem = page.getByTestId("inbox-list").getByTestId("notification").filter({ hasText: title });
      await expect(inboxItem.locator("strong")).toHaveText("there");
      await expectInert(page, inboxItem.locator(".prose-notification"));

      await bell(page).click();
      const panel = page.getByRole("region", { name: "Notifications" });
      const bellItem = panel.getByTestId("notification").filter({ hasText: title });
      await expect(bellItem.locator("strong")).toHaveText("there");
      await expectInert(page, bellItem.locator(".prose-notification"));

      // Give any handler that could have been planted (onerror, onload) time to fire.
      await page.waitForTimeout(500);
      expect(dialogs).toEqual([]);
    } finally {
      await closeAll([admin]);
      await userContext.close();
    }
  });

  test("an API key: created (shown once, copied), used by a backend, revoked in the UI → 401", async ({ browser, baseURL, request }) => {
    const user = await createUser(request, baseURL!, "e2e-key");
    const admin = await signIn(browser, baseURL!, "admin@example.com");
    await admin.context.grantPermissions(["clipboard-read", "clipboard-write"]);
    try {
      await admin.page.goto("/admin");
      const panel = admin.page.getByRole("region", { name: "API keys" });
      const name = `e2e backend ${randomUUID().slice(0, 8)}`;
      await panel.getByLabel("Key name").fill(name);
      await panel.getByRole("button", { name: "Create key" }).click();
      const shown = panel.getByTestId("new-key");
      await expect(shown).toContainText("this is the only time it is shown");
      const keyField = shown.getByRole("textbox", { name: `API key “${name}”` });
      await expect(keyField).toBeFocused();
      const key = await keyField.inputValue();
      expect(key).toMatch(/^nk_[A-Za-z0-9_-]{43}$/);
      await shown.getByRole("button", { name: "Copy" }).click();
      await expect(shown.getByRole("status")).toHaveText("Copied to the clipboard.");
      expect(await admin.page.evaluate(() => navigator.clipboard.readText())).toBe(key);

      const row = panel.getByTestId("api-key-row").filter({ has: admin.page.getByRole("rowheader", { name }) });
      await expect(row).toContainText(key.slice(0, 11));
      await expect(row.getByTestId("api-key-status")).toHaveAttribute("data-state", "active");

      const send = () =>
        request.post(`${baseURL}/api/v1/notifications`, {
          headers: { authorization: `Bearer ${key}` },
          data: { to: [user.email], title: "From the billing backend", body: "Invoice paid." },
        });
      expect((await send()).status()).toBe(201);

      await shown.getByRole("button", { name: "I have stored it" }).click();
      await expect(shown).toHaveCount(0);
      await row.getByRole("button", { name: `Revoke “${name}”` }).click();
      const dialog = admin.page.getByRole("dialog", { name: `Revoke “${name}”?` });
      await dialog.getByRole("button", { name: "Revoke", exact: true }).click();
      await expect(dialog).toBeHidden();
      await expect(row.getByTestId("api-key-status")).toHaveAttribute("data-state", "revoked");
      await expect(panel.getByTestId("keys-status")).toHaveText(`“${name}” was revoked.`);
      expect((await send()).status()).toBe(401);

      // Never shown again.
      await admin.page.reload();
      await expect(panel.getByTestId("api-key-row").filter({ has: admin.page.getByRole("rowheader", { name }) })).toBeVisible();
      expect(await admin.page.content()).not.toContain(key);
    } finally {
      await closeAll([admin]);
    }
  });

  test("/admin in Chinese", async ({ browser, baseURL }) => {
    const admin = await signIn(browser, baseURL!, "admin@example.com", { locale: "zh-CN" });
    try {
      await admin.page.goto("/admin");
      await expect(admin.page.getByRole("heading", { level: 1, name: "管理" })).toBeVisible();
      await expect(admin.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "管理" })).toBeVisible();
      await expect(admin.page.getByRole("heading", { name: "新公告" })).toBeVisible();
      await expect(admin.page.getByLabel("正文（Markdown）")).toBeVisible();
      await expect(admin.page.getByRole("radio", { name: "所有人", exact: true })).toBeChecked();
      await expect(admin.page.getByRole("button", { name: "立即发送" })).toBeVisible();
      await expect(admin.page.getByRole("heading", { name: "实时连接" })).toBeVisible();
      await expect(admin.page.getByRole("heading", { name: "API 密钥" })).toBeVisible();
      await expect(admin.page.getByRole("button", { name: "创建密钥" })).toBeVisible();
      await expect(admin.page).toHaveTitle(/管理 · 站内信/);
      // Errors too.
      await admin.page.getByRole("button", { name: "立即发送" }).click();
      await expect(admin.page.getByTestId("error-title")).toHaveText("请输入不超过 200 个字符的标题。");
      await expect(admin.page.getByLabel("标题", { exact: true })).toBeFocused();
    } finally {
      await closeAll([admin]);
    }
  });
});

/** Nothing in these rendered bodies can run script: no script/iframe/svg/object, no on* attribute, no javascript: URL. */
async function expectInert(page: Page, bodies: Locator): Promise<void> {
  await expect(bodies.first()).toBeVisible();
  const report = await bodies.evaluateAll((els) =>
    els.map((el) => {
      const all = [...el.querySelectorAll("*")];
      return {
        dangerous: all.filter((e) => /^(script|iframe|svg|object|embed|img|form|math)$/i.test(e.tagName)).map((e) => e.tagName),
        handlers: all.flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName}[${a.name}]`)),
        urls: all.flatMap((e) =>
          ["href", "src", "action", "formaction", "xlink:href"].flatMap((n) => {
            const v = e.getAttribute(n);
            return v !== null && /^\s*javascript:/i.test(v) ? [`${e.tagName}[${n}=${v}]`] : [];
          }),
        ),
      };
    }),
  );
  expect(report.length).toBeGreaterThan(0);
  for (const r of report) expect(r).toEqual({ dangerous: [], handlers: [], urls: [] });
  // And nowhere on the page: no frame, no javascript: link, no script carrying the payload.
  const page_ = await page.evaluate(() => ({
    iframes: document.querySelectorAll("iframe").length,
    jsLinks: [...document.querySelectorAll("[href],[src]")].filter((e) => /^\s*javascript:/i.test(e.getAttribute("href") ?? e.getAttribute("src") ?? "")).length,
    payloadScripts: [...document.querySelectorAll("script")].filter((s) => !s.src && /alert\(1\)/.test(s.textContent ?? "") && !/self\.__next_f/.test(s.textContent ?? "")).length,
    handlers: [...document.querySelectorAll("*")].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
  }));
  expect(page_).toEqual({ iframes: 0, jsLinks: 0, payloadScripts: 0, handlers: 0 });
}
