import "server-only";
import { hub } from "@/lib/realtime";
import type { TransportName } from "@/lib/realtime/hub";

export type LiveStats = { connections: Record<TransportName, number>; total: number };

/**
 * Live connections this process holds, by transport (`poll` is long-polling; short polling holds
 * no connection). One instance's figures: with several instances each answers for itself.
 */
export function liveStats(): LiveStats {
  return {
    connections: { sse: hub.connectionCount("sse"), ws: hub.connectionCount("ws"), poll: hub.connectionCount("poll") },
    total: hub.connectionCount(),
  };
}
