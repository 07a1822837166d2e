import { z } from "zod";
import { AppError, errorResponse } from "@/lib/http/errors";
import { requireUser } from "@/lib/http/route";
import { cursorParam } from "@/lib/notifications/cursor";
import { hub } from "@/lib/realtime";
import { admitLive } from "@/lib/realtime/transports/admission";
import { MAX_BACKLOG_BYTES, openSse, SSE_HEADERS } from "@/lib/realtime/transports/sse";

export const dynamic = "force-dynamic";

const optionalCursor = cursorParam.optional();

/** Last-Event-ID (set by EventSource on reconnect) wins over ?cursor=. */
function resumeCursor(req: Request): number | null {
  const raw = req.headers.get("last-event-id") || new URL(req.url).searchParams.get("cursor") || undefined;
  const parsed = optionalCursor.safeParse(raw);
  if (!parsed.success) {
    throw new AppError("invalid_request", "The cursor is not one this server issued.", {
      fields: { cursor: z.prettifyError(parsed.error) },
    });
  }
  return parsed.data ?? null;
}

export async function GET(req: Request): Promise<Response> {
  try {
    const user = await requireUser(req);
    const cursor = resumeCursor(req);
    admitLive(hub, user.id);
    const encoder = new TextEncoder();
    let stream: { close(): void } | undefined;
    const body = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          stream = openSse(user.id, cursor, {
            write(chunk) {
              controller.enqueue(encoder.encode(chunk));
              return (controller.desiredSize ?? 0) > -MAX_BACKLOG_BYTES;
            },
            end() {
              try {
                controller.close();
              } catch {
                // already closed by the client
              }
            },
          }, user.role);
        },
        cancel() {
          stream?.close();
        },
      },
      new ByteLengthQueuingStrategy({ highWaterMark: 16 * 1024 }),
    );
    req.signal.addEventListener("abort", () => stream?.close(), { once: true });
    return new Response(body, { headers: SSE_HEADERS });
  } catch (e) {
    return errorResponse(e);
  }
}
