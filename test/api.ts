// Shared assertions and fixtures for the integration tests of the JSON API.
import { expect, inject } from "vitest";
import type { PrismaClient } from "@/generated/prisma/client";
import { createPrismaClient } from "@/lib/db/create";
import { sendMessage, TestClient } from "./client";

export const baseUrl = inject("baseUrl");

export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export type Notification = {
  id: string;
  kind: "message" | "announcement";
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
};
export type ListBody = { items: Notification[]; nextCursor: string | null; unreadCount: number };
export type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };

export async function adminClient(): Promise<TestClient> {
  const admin = new TestClient(baseUrl);
  expect(await admin.signIn("admin@example.com")).toBe(true);
  return admin;
}

/** Asserts the contract's error shape; `fields` lists keys that must be named (exactly those when `exactFields`). */
export async function expectError(
  res: Response,
  status: number,
  code: string,
  opts: { fields?: string[]; exactFields?: boolean } = {},
): Promise<ErrorBody> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const body = JSON.parse(text) as ErrorBody;
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  expect(body.error.message.length).toBeGreaterThan(0);
  // Never a stack trace or SQL in front of a client.
  expect(text).not.toMatch(/\bat \S+ \(|prisma|SQLITE|SELECT |node_modules/i);
  if (opts.fields) {
    expect(body.error.fields, text).toBeDefined();
    for (const f of opts.fields) expect(body.error.fields![f], `fields.${f} in ${text}`).toEqual(expect.any(String));
    if (opts.exactFields) expect(Object.keys(body.error.fields!).sort()).toEqual([...opts.fields].sort());
  }
  return body;
}

/** Asserts a value has exactly the contract's Notification shape. */
export function expectNotification(n: unknown): asserts n is Notification {
  expect(n).toEqual({
    id: expect.any(String),
    kind: expect.stringMatching(/^(message|announcement)$/),
    title: expect.any(String),
    body: expect.any(String),
    link: n && typeof n === "object" && (n as Notification).link !== null ? expect.any(String) : null,
    createdAt: expect.stringMatching(ISO),
    readAt: n && typeof n === "object" && (n as Notification).readAt !== null ? expect.stringMatching(ISO) : null,
  });
}

export async function list(client: TestClient, query = ""): Promise<ListBody> {
  const res = await client.fetch(`/api/notifications${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as ListBody;
}

export async function unreadCount(client: TestClient): Promise<number> {
  const res = await client.fetch("/api/notifications/unread-count");
  expect(res.status).toBe(200);
  return ((await res.json()) as { unreadCount: number }).unreadCount;
}

/** Sends a message through the admin API and returns the recipient's copy of it. */
export async function deliver(admin: TestClient, to: { client: TestClient; email: string }, title: string, body = "body"): Promise<Notification> {
  const res = await sendMessage(admin, [to.email], title, body);
  expect(res.status, await res.clone().text()).toBe(201);
  const found = (await list(to.client, "?limit=100")).items.find((n) => n.title === title);
  expect(found, `delivered "${title}"`).toBeDefined();
  return found!;
}

let prisma: PrismaClient | undefined;
/** Direct access to the server's database, for fixtures the API cannot make (e.g. `message` rows). */
export function testDb(): PrismaClient {
  prisma ??= createPrismaClient(inject("databaseUrl"), { poolSize: 4 });
  return prisma;
}

/** Inserts `message` notifications for a user, oldest first, in one statement. */
export async function insertMessages(userId: string, titles: string[]): Promise<void> {
  await testDb().notification.createMany({
    data: titles.map((title) => ({ userId, kind: "message", title, body: `*${title}*`, link: "/inbox" })),
  });
}

/** A JSON text that is just over `bytes` long. */
export function bigJson(bytes: number): string {
  return JSON.stringify({ pad: "x".repeat(bytes) });
}

export const EVIL_ORIGIN = "http://evil.example";
