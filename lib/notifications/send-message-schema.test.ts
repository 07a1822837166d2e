import { describe, expect, it } from "vitest";
import { fieldsFromZod } from "@/lib/http/errors";
import { recipientSchema, sendMessageSchema } from "./send-message-schema";

describe("recipientSchema", () => {
  it("reads an email (lowercased, trimmed) or a user id (as given)", () => {
    expect(recipientSchema.parse("  Alice@Example.COM ")).toEqual({ type: "email", value: "alice@example.com" });
    expect(recipientSchema.parse("cmABC123_-x")).toEqual({ type: "id", value: "cmABC123_-x" });
  });

  it.each(["", "  ", "a@", "@b.example", "not an email@x", "has space", "semi;colon", "x".repeat(65), `${"a".repeat(250)}@x.example`, "a/b"])(
    "refuses %j",
    (s) => {
      expect(recipientSchema.safeParse(s).success).toBe(false);
    },
  );
});

describe("sendMessageSchema", () => {
  const ok = { to: ["a@example.com"], title: "Hi", body: "**b**" };

  it("accepts the contract's body, link optional", () => {
    expect(sendMessageSchema.parse(ok)).toEqual({ to: [{ type: "email", value: "a@example.com" }], title: "Hi", body: "**b**" });
    expect(sendMessageSchema.parse({ ...ok, link: "/inbox" }).link).toBe("/inbox");
    expect(sendMessageSchema.parse({ ...ok, link: "https://example.com/x" }).link).toBe("https://example.com/x");
  });

  it("takes 1000 recipients, not 1001", () => {
    const to = (n: number) => Array.from({ length: n }, (_, i) => `u${i}@example.com`);
    expect(sendMessageSchema.safeParse({ ...ok, to: to(1000) }).success).toBe(true);
    const r = sendMessageSchema.safeParse({ ...ok, to: to(1001) });
    expect(r.success).toBe(false);
    expect(Object.keys(fieldsFromZod(r.error!))).toEqual(["to"]);
  });

  it.each<[string, unknown, string[]]>([
    ["no to", { title: "t", body: "b" }, ["to"]],
    ["empty to", { ...ok, to: [] }, ["to"]],
    ["to not a list", { ...ok, to: "a@example.com" }, ["to"]],
    ["a bad recipient", { ...ok, to: ["a@example.com", "nope nope"] }, ["to.1"]],
    ["a non-string recipient", { ...ok, to: [5] }, ["to.0"]],
    ["empty title", { ...ok, title: "  " }, ["title"]],
    ["long title", { ...ok, title: "t".repeat(201) }, ["title"]],
    ["empty body", { ...ok, body: "" }, ["body"]],
    ["long body", { ...ok, body: "b".repeat(10_001) }, ["body"]],
    ["javascript: link", { ...ok, link: "javascript:alert(1)" }, ["link"]],
    ["protocol-relative link", { ...ok, link: "//evil.example" }, ["link"]],
  ])("refuses %s naming %j", (_, input, fields) => {
    const r = sendMessageSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(Object.keys(fieldsFromZod(r.error!)).sort()).toEqual(fields.sort());
  });
});
