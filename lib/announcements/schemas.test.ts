import { describe, expect, it } from "vitest";
import { audienceSchema, createAnnouncementSchema } from "./schemas";

const base = { title: "Maintenance", body: "We'll be **down** at noon.", audience: { type: "all" } };

describe("audienceSchema", () => {
  it("accepts the three audience kinds", () => {
    expect(audienceSchema.parse({ type: "all" })).toEqual({ type: "all" });
    expect(audienceSchema.parse({ type: "role", role: "admin" })).toEqual({ type: "role", role: "admin" });
    expect(audienceSchema.parse({ type: "users", emails: ["a@example.com"] })).toEqual({
      type: "users",
      emails: ["a@example.com"],
    });
  });

  it("lowercases and trims emails", () => {
    expect(audienceSchema.parse({ type: "users", emails: ["  Alice@Example.COM ", "BOB@example.com"] })).toEqual({
      type: "users",
      emails: ["alice@example.com", "bob@example.com"],
    });
  });

  it.each([
    [{ type: "everyone" }],
    [{}],
    [{ type: "role" }],
    [{ type: "role", role: "root" }],
    [{ type: "users" }],
    [{ type: "users", emails: [] }],
    [{ type: "users", emails: ["not-an-email"] }],
    [{ type: "users", emails: "a@example.com" }],
  ])("refuses %j", (a) => {
    expect(audienceSchema.safeParse(a).success).toBe(false);
  });

  it("bounds the email list to 1000", () => {
    const emails = (n: number) => Array.from({ length: n }, (_, i) => `u${i}@example.com`);
    expect(audienceSchema.safeParse({ type: "users", emails: emails(1000) }).success).toBe(true);
    expect(audienceSchema.safeParse({ type: "users", emails: emails(1001) }).success).toBe(false);
  });

  it("names the bad email's position", () => {
    const r = audienceSchema.safeParse({ type: "users", emails: ["a@example.com", "nope"] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["emails", 1]);
  });
});

describe("createAnnouncementSchema", () => {
  it("accepts a minimal announcement", () => {
    expect(createAnnouncementSchema.parse(base)).toEqual(base);
  });

  it("accepts an http(s) or path link and refuses others", () => {
    expect(createAnnouncementSchema.parse({ ...base, link: "https://status.example.com" }).link).toBe(
      "https://status.example.com",
    );
    expect(createAnnouncementSchema.parse({ ...base, link: "/inbox" }).link).toBe("/inbox");
    expect(createAnnouncementSchema.safeParse({ ...base, link: "javascript:alert(1)" }).success).toBe(false);
    expect(createAnnouncementSchema.safeParse({ ...base, link: "//evil.example" }).success).toBe(false);
  });

  it.each(["2030-01-02T03:04:05Z", "2030-01-02T03:04:05.678Z", "2030-01-02T03:04:05+08:00", "2030-01-02T03:04:05-05:30", "2030-01-02T03:04Z", "2030-01-02T03:04+0800"])(
    "accepts publishAt %s",
    (publishAt) => {
      expect(createAnnouncementSchema.parse({ ...base, publishAt }).publishAt).toBe(publishAt);
    },
  );

  it.each(["tomorrow", "2030-01-02", "2030-01-02T03:04:05" /* no zone: ambiguous */, "2030-13-02T03:04:05Z", "2030-02-30T03:04:05Z", "2030-01-02T24:30Z", "1700000000000", "", "2030-01-01T00:00+24:00", "2030-01-01T00:00+99:99", "2030-01-01T00:00+01:60"])("refuses publishAt %j", (publishAt) => {
    const r = createAnnouncementSchema.safeParse({ ...base, publishAt });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["publishAt"]);
  });

  it("refuses an empty title or body and a missing audience", () => {
    expect(createAnnouncementSchema.safeParse({ ...base, title: "  " }).success).toBe(false);
    expect(createAnnouncementSchema.safeParse({ ...base, body: "" }).success).toBe(false);
    const { audience: _a, ...noAudience } = base;
    expect(createAnnouncementSchema.safeParse(noAudience).success).toBe(false);
  });
});
