// Prometheus metrics (prom-client), one registry per process.
import client from "prom-client";
import { processSingleton } from "@/lib/server/singleton";

export const metrics = processSingleton("metrics", () => {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  return {
    registry,
    connections: new client.Gauge({
      name: "notif_live_connections",
      help: "Open live connections by transport",
      labelNames: ["transport"] as const,
      registers: [registry],
    }),
    eventsDelivered: new client.Counter({
      name: "notif_events_delivered_total",
      help: "Live events written to connections, by transport",
      labelNames: ["transport"] as const,
      registers: [registry],
    }),
    deliveryLatency: new client.Histogram({
      name: "notif_delivery_latency_seconds",
      help: "From a change being published to its event being written to a connection",
      labelNames: ["transport"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    httpRequests: new client.Counter({
      name: "notif_http_requests_total",
      help: "HTTP requests by route template, method and status (a WebSocket upgrade counts as 101)",
      labelNames: ["route", "method", "status"] as const,
      registers: [registry],
    }),
    httpDuration: new client.Histogram({
      name: "notif_http_request_duration_seconds",
      help: "Time to finish an HTTP response, by route template (long-lived streams excluded)",
      labelNames: ["route"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
});

export type Metrics = typeof metrics;
