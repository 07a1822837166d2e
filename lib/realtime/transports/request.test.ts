// The session user and the resume cursor read from a Node request, as SSE, long-poll and the
// WebSocket handshake read them: 401 before anything else, the cursor's 400 naming the field.
import type { IncomingMessage } from "node:http";
import { afterAll, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/http/errors";

const SECRET = vi.hoisted(() => {
  const secret = "unit-test-secret-0123456789abcdef";
  // lib/env reads AUTH_SECRET once, at import: set it before anything imports it.
  vi.stubEnv("AUTH_SECRET", secret);
  return secret;
});

const { encode } = await import("next-auth/jwt");
const { header, liveRequest, resumeCursor } = await import("./request");

afterAll(() => {
  vi.unstubAllEnvs();
});

const request = (url: string, headers: Record<string, string | string[]> = {}) => ({ url, headers }) as IncomingMessage;

async function thrown(work: () => unknown): Promise<AppError> {
  try {
    await work();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("did not throw");
}

describe("header", () => {
  it("gives the first of a repeated header", () => {
    expect(header(request("/", { "x-a": ["1", "2"] }), "x-a")).toBe("1");
    expect(header(request("/", { "x-a": "3" }), "x-a")).toBe("3");
    expect(header(request("/"), "x-a")).toBeUndefined();
  });
});

describe("resumeCursor", () => {
  it("reads ?cursor=, null without one", () => {
    expect(resumeCursor(request("/api/realtime/ws?cursor=42"))).toBe(42);
    expect(resumeCursor(request("/api/realtime/ws"))).toBeNull();
    expect(resumeCursor(request("/api/realtime/ws?cursor="))).toBeNull();
  });

  it("lets Last-Event-ID win over ?cursor= only when asked to", () => {
    const req = request("/api/realtime/sse?cursor=5", { "last-event-id": "7" });
    expect(resumeCursor(req, { lastEventId: true })).toBe(7);
    expect(resumeCursor(req)).toBe(5);
  });

  it("refuses a cursor this server never issued with 400 naming the field", async () => {
    for (const bad of ["abc", "-1", "99999999999"]) {
      const error = await thrown(() => resumeCursor(request(`/x?cursor=${bad}`)));
      expect(error.status).toBe(400);
      expect(error.code).toBe("invalid_request");
      expect(error.fields).toEqual({ cursor: "Not a cursor this server issued." });
    }
    const error = await thrown(() => resumeCursor(request("/x", { "last-event-id": "x" }), { lastEventId: true }));
    expect(error.fields).toEqual({ cursor: "Not a cursor this server issued." });
  });
});

describe("liveRequest", () => {
  it("answers 401 without a session, before looking at the cursor", async () => {
    const error = await thrown(() => liveRequest(request("/x?cursor=abc")));
    expect(error.status).toBe(401);
    expect(error.code).toBe("unauthenticated");
  });

  it("gives the session user and the cursor", async () => {
    const token = await encode({ token: { uid: "u_1", email: "a@example.com", name: "A", role: "admin" }, secret: SECRET });
    const req = request("/x?cursor=3", { cookie: `next-auth.session-token=${token}` });
    expect(await liveRequest(req)).toEqual({ user: { id: "u_1", email: "a@example.com", name: "A", role: "admin" }, cursor: 3 });
  });
});
