// The announcement form's errors: the contract's `fields` (from a 422, or from the same zod schema
// run in the browser) → which input each belongs to and which localized message to show there.

export type ComposeField = "title" | "body" | "link" | "audience" | "recipients" | "publishAt";

export type ComposeError =
  | { field: "title"; message: "title" }
  | { field: "body"; message: "body" }
  | { field: "link"; message: "link" }
  | { field: "audience"; message: "audience" }
  | { field: "recipients"; message: "recipients" }
  | { field: "recipients"; message: "unknown"; emails: string }
  | { field: "recipients"; message: "invalidEmail"; email: string }
  | { field: "publishAt"; message: "publishAt" | "past" };

export type ComposeErrors = { byField: Partial<Record<ComposeField, ComposeError>>; unplaced: string[] };

const UNKNOWN = /^Unknown: (.+)$/;
const EMAIL_AT = /^audience\.emails\.(\d+)$/;

/** `emails` is what was sent, so an error on `audience.emails.3` can name the address. */
export function composeErrors(fields: Record<string, string>, emails: readonly string[]): ComposeErrors {
  const byField: ComposeErrors["byField"] = {};
  const unplaced: string[] = [];
  const put = (e: ComposeError) => {
    byField[e.field] ??= e;
  };
  for (const [key, text] of Object.entries(fields)) {
    if (key === "title") put({ field: "title", message: "title" });
    else if (key === "body") put({ field: "body", message: "body" });
    else if (key === "link") put({ field: "link", message: "link" });
    else if (key === "publishAt") put({ field: "publishAt", message: "publishAt" });
    else if (key === "audience.emails") {
      const unknown = UNKNOWN.exec(text);
      put(unknown ? { field: "recipients", message: "unknown", emails: unknown[1]! } : { field: "recipients", message: "recipients" });
    } else if (EMAIL_AT.test(key)) {
      const email = emails[Number(EMAIL_AT.exec(key)![1])];
      put(email === undefined ? { field: "recipients", message: "recipients" } : { field: "recipients", message: "invalidEmail", email });
    } else if (key === "audience" || key.startsWith("audience.")) put({ field: "audience", message: "audience" });
    else unplaced.push(key);
  }
  return { byField, unplaced };
}
