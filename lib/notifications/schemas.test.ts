import { describe, expect, it } from "vitest";
import { bodySchema, idParam, linkSchema, listQuerySchema, patchSchema, titleSchema } from "./schemas";

describe("linkSchema", () => {
  it.each([
    "https://example.com",
    "http://example.com/a?b=c#d",
    "HTTPS://EXAMPLE.COM/x",
    "/inbox",
    "/inbox?filter=unread",
    "/",
  ])("accepts %s", (link) => {
    expect(linkSchema.safeParse(link).success).toBe(true);
  });

  it("trims surrounding space", () => {
    expect(linkSchema.parse("  /inbox ")).toBe("/inbox");
  });

  it.each([
    "//evil.example/x",
    "/\\evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://example.com/file",
    "mailto:a@example.com",
    "example.com",
    "inbox",
    "https://",
    "http://exa mple.com",
    "",
  ])("refuses %j", (link) => {
    const r = linkSchema.safeParse(link);
    expect(r.success).toBe(false);
  });

  it("refuses links longer than 2048 characters", () => {
    expect(linkSchema.safeParse("/" + "a".repeat(2047)).success).toBe(true);
    expect(linkSchema.safeParse("/" + "a".repeat(2048)).success).toBe(false);
  });
});

describe("title and body", () => {
  it("trims the title and bounds it to 1..200", () => {
    expect(titleSchema.parse("  Hello ")).toBe("Hello");
    expect(titleSchema.safeParse("   ").success).toBe(false);
    expect(titleSchema.safeParse("x".repeat(200)).success).toBe(true);
    expect(titleSchema.safeParse("x".repeat(201)).success).toBe(false);
  });

  it("bounds the body to 1..10000", () => {
    expect(bodySchema.safeParse("").success).toBe(false);
    expect(bodySchema.safeParse("x".repeat(10_000)).success).toBe(true);
    expect(bodySchema.safeParse("x".repeat(10_001)).success).toBe(false);
  });
});

describe("listQuerySchema", () => {
  it("defaults to filter=all, limit=20, no cursor", () => {
    expect(listQuerySchema.parse({})).toEqual({ filter: "all", limit: 20 });
  });

  it("coerces limit and cursor from query strings", () => {
    expect(listQuerySchema.parse({ filter: "unread", limit: "100", cursor: "42" })).toEqual({
      filter: "unread",
      limit: 100,
      cursor: 42,
    });
    expect(listQuerySchema.parse({ filter: "announcements", limit: "1" })).toMatchObject({ limit: 1 });
  });

  it.each([
    [{ limit: "0" }],
    [{ limit: "101" }],
    [{ limit: "2.5" }],
    [{ limit: "abc" }],
    [{ filter: "read" }],
    [{ cursor: "-1" }],
    [{ cursor: "1e3" }],
    [{ cursor: "abc" }],
    [{ cursor: "1234567890123456" }],
    [{ cursor: "" }],
  ])("refuses %j", (q) => {
    expect(listQuerySchema.safeParse(q).success).toBe(false);
  });
});

describe("patchSchema and idParam", () => {
  it("requires a boolean `read`", () => {
    expect(patchSchema.parse({ read: false })).toEqual({ read: false });
    expect(patchSchema.safeParse({ read: "true" }).success).toBe(false);
    expect(patchSchema.safeParse({}).success).toBe(false);
  });

  it("accepts ids of safe characters only", () => {
    expect(idParam.safeParse("cmabc123_-X").success).toBe(true);
    for (const bad of ["", "a/b", "a b", "../x", "x".repeat(65)]) expect(idParam.safeParse(bad).success).toBe(false);
  });
});
