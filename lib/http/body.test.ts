import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DEFAULT_MAX_BODY, parseJson, parseQuery } from "./body";
import { AppError } from "./errors";

const schema = z.object({ name: z.string().min(1, "Required."), age: z.number().int().optional() });

function post(body: BodyInit | null, headers: Record<string, string> = {}): Request {
  return new Request("http://localhost/api/x", {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
}

/** A body that arrives in `chunks` pieces of `size` bytes, with no Content-Length; counts what was pulled. */
function streamed(chunks: number, size: number) {
  const stats = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (stats.pulled === chunks) return controller.close();
      stats.pulled++;
      controller.enqueue(new Uint8Array(size).fill(0x20));
    },
    cancel() {
      stats.cancelled = true;
    },
  });
  return { stream, stats };
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe("parseJson", () => {
  it("returns the schema-typed value", async () => {
    await expect(parseJson(post(JSON.stringify({ name: "Ann", age: 3 })), schema)).resolves.toEqual({ name: "Ann", age: 3 });
  });

  it("reads UTF-8 split across chunks", async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ name: "站内信 ✓" }));
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (const b of bytes) c.enqueue(new Uint8Array([b]));
        c.close();
      },
    });
    await expect(parseJson(post(stream), schema)).resolves.toEqual({ name: "站内信 ✓" });
  });

  it.each([["{not json"], [""], ["{\"name\": \"a\""], ["undefined"]])("refuses %j as invalid_json (400)", async (text) => {
    const err = await rejection(parseJson(post(text), schema));
    expect(err.code).toBe("invalid_json");
    expect(err.status).toBe(400);
  });

  it("refuses a missing body as invalid_json", async () => {
    const err = await rejection(parseJson(post(null), schema));
    expect(err.code).toBe("invalid_json");
  });

  it("refuses a declared Content-Length above the limit without reading the body", async () => {
    const { stream, stats } = streamed(1000, 1024);
    const req = post(stream, { "content-length": String(DEFAULT_MAX_BODY + 1) });
    const err = await rejection(parseJson(req, schema));
    expect(err.code).toBe("payload_too_large");
    expect(err.status).toBe(413);
    expect(stats.pulled).toBeLessThanOrEqual(1); // the stream may prime one chunk, never read it all
  });

  it("honours a custom limit", async () => {
    const body = JSON.stringify({ name: "x".repeat(100) });
    const err = await rejection(parseJson(post(body, { "content-length": String(body.length) }), schema, 50));
    expect(err.code).toBe("payload_too_large");
    await expect(parseJson(post(body), schema, body.length)).resolves.toEqual({ name: "x".repeat(100) });
  });

  it("refuses a streamed body that grows past the limit, and stops reading it", async () => {
    const { stream, stats } = streamed(1000, 1024); // 1 MB, far above 64 KiB, no Content-Length
    const err = await rejection(parseJson(post(stream), schema));
    expect(err.code).toBe("payload_too_large");
    expect(stats.pulled).toBeLessThan(100);
    expect(stats.cancelled).toBe(true);
  });

  it("refuses a body larger than its (lying) Content-Length says", async () => {
    const { stream } = streamed(200, 1024);
    const err = await rejection(parseJson(post(stream, { "content-length": "10" }), schema));
    expect(err.code).toBe("payload_too_large");
  });

  it("accepts a body of exactly the limit", async () => {
    const prefix = '{"name":"';
    const suffix = '"}';
    const body = prefix + "a".repeat(DEFAULT_MAX_BODY - prefix.length - suffix.length) + suffix;
    expect(body.length).toBe(DEFAULT_MAX_BODY);
    const value = await parseJson(post(body), schema);
    expect(value.name).toHaveLength(DEFAULT_MAX_BODY - prefix.length - suffix.length);
  });

  it("answers a schema failure with validation_failed (422) naming the fields", async () => {
    const err = await rejection(parseJson(post(JSON.stringify({ name: "", age: 1.5 })), schema));
    expect(err.code).toBe("validation_failed");
    expect(err.status).toBe(422);
    expect(err.fields).toEqual({ name: "Required.", age: expect.any(String) });
  });

  it("names a root-level failure `_`", async () => {
    const err = await rejection(parseJson(post("[1,2]"), schema));
    expect(err.code).toBe("validation_failed");
    expect(Object.keys(err.fields ?? {})).toEqual(["_"]);
  });

  it("names nested fields by their dotted path", async () => {
    const nested = z.object({ audience: z.object({ emails: z.array(z.email()) }) });
    const err = await rejection(parseJson(post(JSON.stringify({ audience: { emails: ["ok@example.com", "nope"] } })), nested));
    expect(Object.keys(err.fields ?? {})).toEqual(["audience.emails.1"]);
  });
});

describe("parseQuery", () => {
  const query = z.object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    filter: z.enum(["all", "unread"]).default("all"),
  });

  it("parses and applies defaults", () => {
    expect(parseQuery("http://localhost/api/x?limit=5", query)).toEqual({ limit: 5, filter: "all" });
    expect(parseQuery(new URL("http://localhost/api/x"), query)).toEqual({ limit: 20, filter: "all" });
  });

  it("refuses bad parameters with invalid_request (400) naming them", () => {
    let err: unknown;
    try {
      parseQuery("http://localhost/api/x?limit=0&filter=bogus", query);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect(e.code).toBe("invalid_request");
    expect(e.status).toBe(400);
    expect(Object.keys(e.fields ?? {}).sort()).toEqual(["filter", "limit"]);
  });

  it("takes the last of repeated parameters", () => {
    expect(parseQuery("http://localhost/api/x?limit=5&limit=7", query).limit).toBe(7);
  });
});
