import { describe, expect, it } from "vitest";
import type { NotificationDto } from "@/lib/notifications/dto";
import { planDesktop } from "./desktop-notifications";

function note(id: string, body = "Some **bold** text"): NotificationDto {
  return { id, kind: "message", title: `Title ${id}`, body, link: null, createdAt: new Date(0).toISOString(), readAt: null };
}

const summary = (count: number) => ({ title: `${count} new`, body: "Open the inbox" });

describe("planDesktop", () => {
  it("shows each of a few notifications, tagged by id, with a plain-text body", () => {
    expect(planDesktop([note("a"), note("b")], summary)).toEqual([
      { title: "Title a", body: "Some bold text", tag: "a" },
      { title: "Title b", body: "Some bold text", tag: "b" },
    ]);
  });

  it("cuts the body to 120 characters", () => {
    const [m] = planDesktop([note("a", "word ".repeat(100))], summary);
    expect(Array.from(m!.body).length).toBeLessThanOrEqual(120);
    expect(m!.body.endsWith("…")).toBe(true);
  });

  it("summarises a burst in one notification", () => {
    const batch = ["a", "b", "c", "d", "e"].map((id) => note(id));
    expect(planDesktop(batch, summary)).toEqual([{ title: "5 new", body: "Open the inbox", tag: "notif-burst" }]);
    expect(planDesktop(batch.slice(0, 3), summary)).toHaveLength(3);
    expect(planDesktop([], summary)).toEqual([]);
  });
});
