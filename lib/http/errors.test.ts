import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError, errorBody, errorResponse, fieldsFromZod, toAppError } from "./errors";

describe("AppError", () => {
  it.each([
    ["invalid_json", 400],
    ["invalid_request", 400],
    ["unauthenticated", 401],
    ["forbidden", 403],
    ["not_found", 404],
    ["conflict", 409],
    ["payload_too_large", 413],
    ["validation_failed", 422],
    ["rate_limited", 429],
    ["unavailable", 503],
    ["internal", 500],
  ] as const)("%s → %i with a default sentence", (code, status) => {
    const e = new AppError(code);
    expect(e.status).toBe(status);
    expect(e.message).toMatch(/^[A-Z].*\.$/);
  });

  it("keeps a custom message, fields and headers", () => {
    const e = new AppError("rate_limited", "Slow down.", { headers: { "Retry-After": "3" } });
    expect(e.message).toBe("Slow down.");
    expect(e.headers).toEqual({ "Retry-After": "3" });
    expect(e).toBeInstanceOf(Error);
  });
});

describe("toAppError", () => {
  it("passes an AppError through", () => {
    const e = new AppError("conflict");
    expect(toAppError(e)).toBe(e);
  });

  it("maps a ZodError to validation_failed with fields", () => {
    const parsed = z.object({ email: z.email("Bad email."), n: z.number() }).safeParse({ email: "x", n: "1" });
    expect(parsed.success).toBe(false);
    const e = toAppError(parsed.error);
    expect(e.code).toBe("validation_failed");
    expect(e.status).toBe(422);
    expect(e.fields).toEqual({ email: "Bad email.", n: expect.any(String) });
  });

  it("maps Prisma's record-not-found (P2025) to not_found and unique violation (P2002) to conflict", () => {
    const notFound = Object.assign(new Error("An operation failed because it depends on records that were not found"), {
      code: "P2025",
    });
    expect(toAppError(notFound).code).toBe("not_found");
    expect(toAppError({ code: "P2025" }).status).toBe(404);
    // A foreign key that went away meanwhile (a withdrawn announcement) is not found, not a 500.
    expect(toAppError({ code: "P2003" }).code).toBe("not_found");
    expect(toAppError({ code: "P2002", meta: { target: ["email"] } }).code).toBe("conflict");
    // The drivers' own writes (lib/db/sql.ts) say the same in their codes.
    expect(toAppError(Object.assign(new Error("FOREIGN KEY constraint failed"), { code: "SQLITE_CONSTRAINT_FOREIGNKEY" })).code).toBe("not_found");
    expect(toAppError(Object.assign(new Error("insert violates foreign key constraint"), { code: "23503" })).code).toBe("not_found");
    expect(toAppError(Object.assign(new Error("UNIQUE constraint failed"), { code: "SQLITE_CONSTRAINT_UNIQUE" })).code).toBe("conflict");
    expect(toAppError(Object.assign(new Error("duplicate key value"), { code: "23505" })).code).toBe("conflict");
  });

  it("maps an unreachable or lost database to 503 with Retry-After, not a 500", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    for (const code of ["P1001", "P1017", "P2024"]) {
      const e = toAppError(Object.assign(new Error("Can't reach database server"), { code }));
      expect(e.status).toBe(503);
      expect(e.code).toBe("unavailable");
      expect(e.headers).toEqual({ "Retry-After": "2" });
    }
    // node-postgres's own errors reach us unwrapped.
    expect(toAppError(new Error("Connection terminated unexpectedly")).status).toBe(503);
    expect(toAppError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })).status).toBe(503);
    // A raw query's failure wraps the driver adapter's error (P2010); its kind says the connection went.
    const raw = (kind: string) =>
      Object.assign(new Error("Raw query failed. Code: `N/A`. Message: `Server has closed the connection.`"), {
        code: "P2010",
        meta: { driverAdapterError: Object.assign(new Error(kind), { cause: { kind } }) },
      });
    expect(toAppError(raw("ConnectionClosed")).status).toBe(503);
    expect(toAppError(raw("DatabaseNotReachable")).status).toBe(503);
    // The hot path's statements run on the drivers themselves (lib/db/sql.ts): their own codes.
    expect(toAppError(Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" })).status).toBe(503);
    expect(toAppError(Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" })).status).toBe(503);
    expect(toAppError(Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY_SNAPSHOT" })).status).toBe(503);
    // node-postgres unwrapped: a host name that does not resolve (a database container restarting).
    expect(toAppError(Object.assign(new Error("getaddrinfo ENOTFOUND db"), { code: "ENOTFOUND" })).status).toBe(503);
    // A driver error that is the request's fault, or a bug, is not an outage.
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(toAppError(Object.assign(new Error("syntax error"), { code: "42601" })).status).toBe(500);
    error.mockRestore();
    expect(warn).toHaveBeenCalledTimes(11);
    warn.mockRestore();
  });

  it("maps anything else to an opaque internal error and logs it", () => {
    const spy = vi.spyOn(console, "error").mockImplementationOnce(() => undefined);
    const before = spy.mock.calls.length;
    const boom = new Error("SELECT * FROM secret_table failed at /srv/app/lib/db.ts:12");
    const e = toAppError(boom);
    expect(e.code).toBe("internal");
    expect(e.status).toBe(500);
    expect(e.message).not.toContain("secret_table");
    expect(spy.mock.calls.length).toBe(before + 1);
    expect(spy.mock.calls.at(-1)).toEqual(["[error]", boom]);
  });

  it("treats an unknown error code like any unknown error", () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const before = spy.mock.calls.length;
    expect(toAppError({ code: "P4242" }).code).toBe("internal");
    // A raw query that failed for another reason is the request's or the code's fault, not an outage.
    expect(toAppError({ code: "P2010", meta: { driverAdapterError: { cause: { kind: "ColumnNotFound" } } } }).code).toBe("internal");
    expect(spy.mock.calls.length).toBe(before + 2);
    spy.mockRestore();
  });
});

describe("fieldsFromZod", () => {
  it("keeps the first message per field and names root issues `_`", () => {
    const s = z.string().min(5, "first").regex(/^\d+$/, "second");
    const r = s.safeParse("ab");
    expect(r.success).toBe(false);
    expect(fieldsFromZod(r.error!)).toEqual({ _: "first" });
  });
});

describe("errorResponse", () => {
  it("answers the contract's shape and status", async () => {
    const res = errorResponse(new AppError("not_found"));
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "Not found." } });
  });

  it("includes fields for validation errors", async () => {
    const res = errorResponse(new AppError("validation_failed", undefined, { fields: { title: "Required." } }));
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      error: { code: "validation_failed", message: "Some fields are invalid.", fields: { title: "Required." } },
    });
  });

  it("sends the error's headers (Retry-After on 429)", async () => {
    const res = errorResponse(new AppError("rate_limited", undefined, { headers: { "Retry-After": "7" } }));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
  });

  it("never leaks an unknown error's details", async () => {
    vi.spyOn(console, "error").mockImplementationOnce(() => undefined);
    const res = errorResponse(new TypeError("Cannot read properties of undefined (reading 'id') at handler.ts:3"));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toMatch(/handler\.ts|undefined|TypeError/);
    expect(JSON.parse(text)).toEqual({ error: { code: "internal", message: "Something went wrong on our side." } });
  });

  it("errorBody omits `fields` when there are none", () => {
    expect(errorBody(new AppError("forbidden"))).toEqual({
      error: { code: "forbidden", message: "You are not allowed to do that." },
    });
  });
});
