import { describe, expect, it } from "vitest";
import { fieldsFromZod } from "@/lib/http/errors";
import { createAnnouncementSchema } from "@/lib/announcements/schemas";
import { composeErrors } from "./field-errors";

describe("composeErrors", () => {
  it("places the server's 422 fields next to their inputs", () => {
    expect(
      composeErrors(
        { title: "Required.", body: "At most 10000 characters.", link: "Use an http(s) URL or a path starting with /.", publishAt: "Use a date and time that exist." },
        [],
      ),
    ).toEqual({
      byField: {
        title: { field: "title", message: "title" },
        body: { field: "body", message: "body" },
        link: { field: "link", message: "link" },
        publishAt: { field: "publishAt", message: "publishAt" },
      },
      unplaced: [],
    });
  });

  it("names unknown recipients, and an invalid address by its position", () => {
    expect(composeErrors({ "audience.emails": "Unknown: nobody@example.com, ghost@example.com" }, []).byField.recipients).toEqual({
      field: "recipients",
      message: "unknown",
      emails: "nobody@example.com, ghost@example.com",
    });
    expect(composeErrors({ "audience.emails": "List at least one email." }, []).byField.recipients).toEqual({ field: "recipients", message: "recipients" });
    expect(composeErrors({ "audience.emails.1": "Enter a valid email address." }, ["a@b.c", "not-mail"]).byField.recipients).toEqual({
      field: "recipients",
      message: "invalidEmail",
      email: "not-mail",
    });
  });

  it("keeps what it cannot place", () => {
    expect(composeErrors({ "audience.role": "Invalid option", _: "Expected object" }, [])).toEqual({
      byField: { audience: { field: "audience", message: "audience" } },
      unplaced: ["_"],
    });
  });

  it("uses the same keys for the browser's own check with the server's schema", () => {
    const parsed = createAnnouncementSchema.safeParse({
      title: " ",
      body: "",
      link: "javascript:alert(1)",
      audience: { type: "users", emails: ["ok@example.com", "nope"] },
    });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const { byField, unplaced } = composeErrors(fieldsFromZod(parsed.error), ["ok@example.com", "nope"]);
    expect(Object.keys(byField).sort()).toEqual(["body", "link", "recipients", "title"]);
    expect(byField.recipients).toEqual({ field: "recipients", message: "invalidEmail", email: "nope" });
    expect(unplaced).toEqual([]);
  });
});
