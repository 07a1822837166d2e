// The stream is cut by stopping the server; while it is down a backend writes three notifications
// straight to the database; the server comes back on the same port and database. The page must
// resume from its cursor and show each missed notification exactly once.
import Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import { startServer } from "../test/server-harness";
import { bell, expect, signInContext, test } from "./fixtures";

test("after the stream is cut, missed notifications arrive exactly once", async ({ page, context }) => {
  test.setTimeout(90_000);
  let server = await startServer();
  const dbFile = server.databaseUrl.slice("file:".length);
  try {
    const sqlite = new Database(dbFile);
    const alice = sqlite.prepare("SELECT id, email, name FROM User WHERE email = ?").get("alice@example.com") as {
      id: string;
      email: string;
      name: string;
    };
    sqlite.prepare("UPDATE Notification SET readAt = ? WHERE userId = ?").run(new Date().toISOString(), alice.id);
    sqlite.close();

    await signInContext(context, { ...alice, role: "user" }, server.baseUrl);
    await page.goto(`${server.baseUrl}/inbox`);
    await expect(bell(page)).toHaveAccessibleName("No unread notifications");
    await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");

    const port = server.port;
    expect(await server.stop({ keepData: true })).toBe(0);
    await expect(page.getByTestId("live-status")).not.toHaveAttribute("data-status", "live");

    const writer = new Database(dbFile);
    const insert = writer.prepare(
      "INSERT INTO Notification (id, userId, kind, title, body, createdAt) VALUES (?, ?, 'message', ?, 'sent while away', ?)",
    );
    for (const title of ["Missed one", "Missed two", "Missed three"]) {
      insert.run(`c${randomUUID().replace(/-/g, "").slice(0, 24)}`, alice.id, title, new Date().toISOString());
    }
    writer.close();

    server = await startServer({ dir: server.dir, port });
    await expect(bell(page)).toHaveAccessibleName("3 unread notifications", { timeout: 20_000 });
    await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
    for (const title of ["Missed one", "Missed two", "Missed three"]) {
      await expect(page.getByTestId("inbox-list").getByRole("heading", { name: new RegExp(title) })).toHaveCount(1);
    }
  } finally {
    await server.stop();
  }
});
