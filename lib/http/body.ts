import type { z } from "zod";
import { idParam } from "@/lib/notifications/schemas";
import { AppError, fieldsFromZod } from "./errors";

export const DEFAULT_MAX_BODY = 64 * 1024;

/** Reads at most `maxBytes` of the body; a larger one is refused without reading it all. */
async function readCapped(req: Request, maxBytes: number): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new AppError("payload_too_large", `The request body exceeds ${maxBytes} bytes.`);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new AppError("payload_too_large", `The request body exceeds ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** JSON body → schema-typed value, or the contract's 400/413/422. */
export async function parseJson<S extends z.ZodType>(
  req: Request,
  schema: S,
  maxBytes = DEFAULT_MAX_BODY,
): Promise<z.infer<S>> {
  const text = await readCapped(req, maxBytes);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AppError("invalid_json");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AppError("validation_failed", undefined, { fields: fieldsFromZod(parsed.error) });
  return parsed.data;
}

/** Query string → schema-typed value, or 400 invalid_request naming the fields. */
export function parseQuery<S extends z.ZodType>(url: string | URL, schema: S): z.infer<S> {
  const params = new URL(url).searchParams;
  const raw: Record<string, string> = {};
  for (const [k, v] of params) raw[k] = v;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError("invalid_request", "Some query parameters are invalid.", { fields: fieldsFromZod(parsed.error) });
  }
  return parsed.data;
}

/** An id from the URL path. One that could never exist is simply "not found" (never a 400 or a 500). */
export function parsePathId(raw: string, message = "Not found."): string {
  const id = idParam.safeParse(raw);
  if (!id.success) throw new AppError("not_found", message);
  return id.data;
}
