// The one error type and the one mapper from anything thrown to the contract's error shape.
import { ZodError } from "zod";
import { isSqliteBusy } from "@/lib/db/raw";

export type ErrorCode =
  | "invalid_json"
  | "invalid_request"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "validation_failed"
  | "rate_limited"
  | "unavailable"
  | "internal";

const STATUS: Record<ErrorCode, number> = {
  invalid_json: 400,
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  validation_failed: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

const DEFAULT_MESSAGE: Record<ErrorCode, string> = {
  invalid_json: "The request body is not valid JSON.",
  invalid_request: "The request is malformed.",
  unauthenticated: "Sign in to continue.",
  forbidden: "You are not allowed to do that.",
  not_found: "Not found.",
  conflict: "That conflicts with something that already exists.",
  payload_too_large: "The request body is too large.",
  validation_failed: "Some fields are invalid.",
  rate_limited: "Too many requests. Try again later.",
  unavailable: "The service is temporarily unavailable.",
  internal: "Something went wrong on our side.",
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields?: Record<string, string>;
  readonly headers?: Record<string, string>;

  constructor(
    code: ErrorCode,
    message?: string,
    extra: { fields?: Record<string, string>; headers?: Record<string, string> } = {},
  ) {
    super(message ?? DEFAULT_MESSAGE[code]);
    this.code = code;
    this.status = STATUS[code];
    this.fields = extra.fields;
    this.headers = extra.headers;
  }
}

export type ErrorBody = {
  error: { code: ErrorCode; message: string; fields?: Record<string, string> };
};

export function fieldsFromZod(error: ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    fields[key] ??= issue.message;
  }
  return fields;
}

function isPrismaError(err: unknown, code: string): boolean {
  return typeof err === "object" && err !== null && "code" in err && (err as { code: unknown }).code === code;
}

/** Prisma's "cannot reach / lost / timed out / pool exhausted": the database is down, not the request wrong. */
const DATABASE_UNAVAILABLE = ["P1001", "P1002", "P1008", "P1017", "P2024"];
/** What node-postgres throws, unwrapped by the driver adapter, when the server goes away or cannot be reached. */
const CONNECTION_LOST = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;
const SOCKET_CODES = ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENOTFOUND", "EAI_AGAIN"];
/**
 * What the drivers themselves throw from the hot path's statements (lib/db/sql.ts, decision 012):
 * PostgreSQL shutting down, starting, out of connections or the connection broken (SQLSTATE classes
 * 57P and 08, and 53300). SQLite still locked after its retries is `isSqliteBusy`.
 */
const DRIVER_DOWN_CODES = ["57P01", "57P02", "57P03", "53300", "08000", "08001", "08003", "08004", "08006"];
const DOWN_CODES = [...DATABASE_UNAVAILABLE, ...SOCKET_CODES, ...DRIVER_DOWN_CODES];
/** A unique key taken, from Prisma (P2002) or the drivers' own writes: SQLite's codes, PostgreSQL's SQLSTATE. */
const CONFLICT_CODES = ["P2002", "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY", "23505"];
/** A row it refers to went away meanwhile (an announcement withdrawn while being marked read, a recipient deleted). */
const GONE_CODES = ["P2003", "SQLITE_CONSTRAINT_FOREIGNKEY", "23503"];

/** What a driver adapter says (inside a raw query's P2010) when the database went away or cannot be reached. */
const ADAPTER_DOWN = ["DatabaseNotReachable", "ConnectionClosed", "TooManyConnections", "SocketTimeout", "TlsConnectionError"];

/** A raw query's failure (P2010) carries the driver adapter's error, whose cause names its kind. */
function adapterErrorKind(err: unknown): string | undefined {
  if (!isPrismaError(err, "P2010")) return undefined;
  const meta = (err as { meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } }).meta;
  const kind = meta?.driverAdapterError?.cause?.kind;
  return typeof kind === "string" ? kind : undefined;
}

function databaseDown(err: unknown): string | undefined {
  const code = DOWN_CODES.find((c) => isPrismaError(err, c));
  if (code) return code;
  if (isSqliteBusy(err)) return (err as { code: string }).code;
  const kind = adapterErrorKind(err);
  if (kind && ADAPTER_DOWN.includes(kind)) return `P2010 ${kind}`;
  if (err instanceof Error && CONNECTION_LOST.test(err.message)) return err.message;
  return undefined;
}

/** Anything thrown → the contract's error. Unknown errors are logged and answered opaquely. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const down = databaseDown(err);
  if (down) {
    console.warn(`[db] unavailable (${down}); answering 503`);
    return new AppError("unavailable", "The database is unavailable right now. Try again shortly.", { headers: { "Retry-After": "2" } });
  }
  if (err instanceof ZodError) return new AppError("validation_failed", undefined, { fields: fieldsFromZod(err) });
  if (isPrismaError(err, "P2025")) return new AppError("not_found");
  if (CONFLICT_CODES.some((c) => isPrismaError(err, c))) return new AppError("conflict");
  if (GONE_CODES.some((c) => isPrismaError(err, c))) return new AppError("not_found");
  console.error("[error]", err);
  return new AppError("internal");
}

export function errorBody(err: AppError): ErrorBody {
  return {
    error: { code: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}) },
  };
}

export function errorResponse(err: unknown): Response {
  const e = toAppError(err);
  return Response.json(errorBody(e), { status: e.status, headers: e.headers });
}
