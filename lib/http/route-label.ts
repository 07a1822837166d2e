// A bounded `route` label for HTTP metrics: the route template a path was served by, never the
// raw path (ids would make one time series per notification). No `server-only`: server.ts uses it.

/** Exact API routes, and templates with one dynamic segment. */
const API_EXACT = new Set([
  "/api/health",
  "/api/metrics",
  "/api/signup",
  "/api/notifications",
  "/api/notifications/read-all",
  "/api/notifications/unread-count",
  "/api/realtime/sse",
  "/api/realtime/ws",
  "/api/realtime/poll",
  "/api/admin/announcements",
  "/api/admin/api-keys",
  "/api/admin/users",
  "/api/v1/notifications",
  "/api/lab/test-notification",
]);
const API_WITH_ID: ReadonlyArray<[prefix: string, template: string]> = [
  ["/api/notifications/", "/api/notifications/[id]"],
  ["/api/admin/announcements/", "/api/admin/announcements/[id]"],
  ["/api/admin/api-keys/", "/api/admin/api-keys/[id]"],
];
const PAGES = new Set(["/", "/inbox", "/login", "/signup", "/admin", "/lab"]);

export function routeLabel(rawUrl: string | undefined): string {
  const path = (rawUrl ?? "/").split("?")[0]!.replace(/\/+$/, "") || "/";
  if (path.startsWith("/_next/")) return "/_next/*";
  if (path.startsWith("/api/auth/") || path === "/api/auth") return "/api/auth/*";
  if (API_EXACT.has(path)) return path;
  for (const [prefix, template] of API_WITH_ID) {
    const rest = path.slice(prefix.length);
    if (path.startsWith(prefix) && rest.length > 0 && !rest.includes("/")) return template;
  }
  if (path.startsWith("/api/") || path === "/api") return "/api/*";
  if (PAGES.has(path)) return path;
  return "other";
}
