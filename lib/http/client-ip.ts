// server.ts computes the client address once (socket address, or X-Forwarded-For when
// TRUST_PROXY=1), strips any value a client sent, and passes it to Next in this header.
export const CLIENT_IP_HEADER = "x-notif-client-ip";

type HeaderBag = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

export function clientIp(headers: HeaderBag): string {
  const v =
    typeof (headers as { get?: unknown }).get === "function"
      ? (headers as { get(name: string): string | null }).get(CLIENT_IP_HEADER)
      : (headers as Record<string, string | string[] | undefined>)[CLIENT_IP_HEADER];
  const s = Array.isArray(v) ? v[0] : v;
  return s || "unknown";
}
