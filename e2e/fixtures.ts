// Fixtures: fresh users made through the API, signed in by setting the session cookie directly
// (only auth.spec.ts types into the login form), and an admin API client to send messages.
import { test as base, expect, type APIRequestContext, type BrowserContext, type Page } from "@playwright/test";
import { encode } from "next-auth/jwt";
import Database from "better-sqlite3";
import { randomUUID } from "node:crypto";

export const AUTH_SECRET = "test-secret-test-secret-test-secret";

export type TestUser = { id: string; email: string; name: string; role: "user" | "admin" };

export async function sessionCookie(user: TestUser, baseURL: string) {
  const value = await encode({
    token: { sub: user.id, uid: user.id, email: user.email, name: user.name, role: user.role },
    secret: AUTH_SECRET,
  });
  const { hostname } = new URL(baseURL);
  return { name: "next-auth.session-token", value, domain: hostname, path: "/", httpOnly: true, sameSite: "Lax" as const };
}

export async function signInContext(context: BrowserContext, user: TestUser, baseURL: string): Promise<void> {
  await context.addCookies([await sessionCookie(user, baseURL)]);
}

export async function createUser(request: APIRequestContext, baseURL: string, prefix = "e2e"): Promise<TestUser> {
  const email = `${prefix}-${randomUUID().slice(0, 8)}@test.example`;
  const res = await request.post(`${baseURL}/api/signup`, { data: { email, password: "password123", name: prefix } });
  expect(res.status()).toBe(201);
  const body = (await res.json()) as { id: string; email: string; name: string };
  return { ...body, role: "user" };
}

/** Sends a direct message as the demo admin, through the public API. */
export class AdminApi {
  constructor(
    private readonly request: APIRequestContext,
    private readonly baseURL: string,
    private readonly cookie: string,
  ) {}

  async send(emails: string[], title: string, body = "A message body with **Markdown**."): Promise<void> {
    const res = await this.request.post(`${this.baseURL}/api/admin/announcements`, {
      headers: { cookie: this.cookie },
      data: { title, body, audience: { type: "users", emails } },
    });
    expect(res.status(), await res.text()).toBe(201);
  }

  /** Open live connections on the server, over all transports (from /api/metrics). */
  async liveConnections(): Promise<number> {
    const res = await this.request.get(`${this.baseURL}/api/metrics`, { headers: { cookie: this.cookie } });
    expect(res.status()).toBe(200);
    let total = 0;
    for (const m of (await res.text()).matchAll(/^notif_live_connections\{transport="\w+"\} (\d+)$/gm)) total += Number(m[1]);
    return total;
  }
}

export async function adminApi(request: APIRequestContext, baseURL: string): Promise<AdminApi> {
  const res = await request.get(`${baseURL}/api/auth/csrf`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const login = await request.post(`${baseURL}/api/auth/callback/credentials`, {
    form: { csrfToken, email: "admin@example.com", password: "demo1234", json: "true" },
  });
  expect(login.ok()).toBe(true);
  const state = await request.storageState();
  const cookie = state.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  expect(cookie).toContain("session-token");
  return new AdminApi(request, baseURL, cookie);
}

/** Writes `message` rows straight into a server's SQLite file (a backend writing while the server is down). */
export function insertMessages(dbFile: string, userId: string, titles: string[]): void {
  const db = new Database(dbFile);
  const insert = db.prepare("INSERT INTO Notification (id, userId, kind, title, body, createdAt) VALUES (?, ?, 'message', ?, 'sent while away', ?)");
  db.transaction(() => {
    for (const title of titles) insert.run(`c${randomUUID().replace(/-/g, "").slice(0, 24)}`, userId, title, new Date().toISOString());
  })();
  db.close();
}

/** The transport a page's live indicator shows, once it is live. */
export async function expectLive(page: Page, transport?: string, timeout = 15_000): Promise<void> {
  const status = page.getByTestId("live-status");
  await expect(status).toHaveAttribute("data-status", "live", { timeout });
  if (transport) await expect(status).toHaveAttribute("data-transport", transport, { timeout });
}

/** Collects uncaught exceptions of a page made outside the `page` fixture; assert it stays empty. */
export function pageErrors(page: Page): Error[] {
  const errors: Error[] = [];
  page.on("pageerror", (e) => errors.push(e));
  return errors;
}

export function bell(page: Page) {
  return page.getByTestId("bell");
}

type Fixtures = { user: TestUser; signedInPage: Page; admin: AdminApi };

export const test = base.extend<Fixtures>({
  page: async ({ page }, use) => {
    // An uncaught exception in the page fails the test.
    const errors: Error[] = [];
    page.on("pageerror", (e) => errors.push(e));
    await use(page);
    expect(errors, errors.map((e) => e.stack).join("\n")).toEqual([]);
  },
  user: async ({ playwright, baseURL }, use) => {
    const request = await playwright.request.newContext();
    await use(await createUser(request, baseURL!));
    await request.dispose();
  },
  signedInPage: async ({ page, context, user, baseURL }, use) => {
    await signInContext(context, user, baseURL!);
    await use(page);
  },
  admin: async ({ playwright, baseURL }, use) => {
    const request = await playwright.request.newContext();
    await use(await adminApi(request, baseURL!));
    await request.dispose();
  },
});

export { expect };
