"use client";
// The app's own connection manager behind a simulated restrictive proxy: it buffers streams (SSE
// opens, but nothing it sends gets through) and refuses upgrades (WebSocket). Long-polling and
// polling are real. The log shows each decision the manager takes, with real timings.
import { useCallback, useEffect, useRef, useState } from "react";
import { useFormatter, useTranslations } from "use-intl";
import { z } from "zod";
import { FIRST_EVENT_TIMEOUT_MS, LiveClient, type LiveSnapshot, WS_FIRST_ORDER } from "@/lib/client/live";
import { type Opener, openLongPoll, openPoll, openSse, type Transport, type TransportCallbacks } from "@/lib/client/transports";
import { type LabTest, useDelivery } from "./delivery";
import { Figures } from "./figures";
import { StatusBadge } from "./transport-panel";

type LogEntry = { key: number; at: number; text: string };
const MAX_LOG = 100;
const seedSchema = z.object({ unreadCount: z.number().int().min(0), cursor: z.string() });

type Sink = { log(text: string): void; traffic(t: { requests?: number; bytes?: number }): void };

/** The real openers behind a proxy that buffers event streams and refuses WebSocket upgrades. */
function restrictedOpeners(sink: Sink, say: { wsRefused(): string; sseHeld(): string; heldEvent(bytes: number): string }): Record<Transport, Opener> {
  const counted = (open: Opener): Opener => (opts, cb) => open(opts, { ...cb, traffic: sink.traffic });
  const ws: Opener = (_opts, cb) => {
    sink.traffic({ requests: 1 });
    let closed = false;
    // Asynchronously, as a refused upgrade is: the manager must have the connection in hand first.
    const timer = setTimeout(() => {
      if (closed) return;
      closed = true;
      sink.log(say.wsRefused());
      cb.ended("failed");
    }, 0);
    return {
      close() {
        closed = true;
        clearTimeout(timer);
      },
    };
  };
  const sse: Opener = (opts, cb) => {
    sink.log(say.sseHeld());
    let pending = 0;
    const held: TransportCallbacks = {
      // The request went out, but the proxy keeps the response's bytes to itself.
      traffic: (t) => {
        if (t.requests) sink.traffic({ requests: t.requests });
        if (t.bytes) pending += t.bytes;
      },
      event: () => {
        sink.log(say.heldEvent(pending));
        pending = 0;
      },
      alive: () => undefined,
      ended: (reason) => cb.ended(reason),
    };
    return openSse(opts, held);
  };
  return { ws, sse, longpoll: counted(openLongPoll), poll: counted(openPoll) };
}

export function RestrictedPanel({ test, pollIntervalMs }: { test: LabTest | null; pollIntervalMs: number }) {
  const t = useTranslations("lab");
  const tl = useTranslations("live");
  const format = useFormatter();
  const [snap, setSnap] = useState<LiveSnapshot | null>(null);
  const [requests, setRequests] = useState(0);
  const [bytes, setBytes] = useState(0);
  const [log, setLog] = useState<readonly LogEntry[]>([]);
  const { record, delivery } = useDelivery(test);
  // The client lives as long as the panel; texts are read through refs so a render never restarts it.
  const text = useRef({ t, tl, format });
  useEffect(() => {
    text.current = { t, tl, format };
  });
  const started = useRef(0);
  const seq = useRef(0);
  const appendLog = useCallback((line: string) => {
    const entry = { key: seq.current++, at: performance.now() - started.current, text: line };
    setLog((l) => [...l.slice(-MAX_LOG + 1), entry]);
  }, []);

  useEffect(() => {
    started.current = performance.now();
    setLog([]);
    setRequests(0);
    setBytes(0);
    const name = (tr: Transport) => text.current.tl(`transport.${tr}`);
    const secs = (ms: number) => text.current.format.number(ms / 1000, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    const sink: Sink = {
      log: appendLog,
      traffic: (tr) => {
        if (tr.requests) setRequests((n) => n + tr.requests!);
        if (tr.bytes) setBytes((n) => n + tr.bytes!);
      },
    };
    const openers = restrictedOpeners(sink, {
      wsRefused: () => text.current.t("restricted.wsRefused"),
      sseHeld: () => text.current.t("restricted.sseHeld"),
      heldEvent: (n) => text.current.t("restricted.heldEvent", { bytes: text.current.format.number(n) }),
    });
    const client = new LiveClient({
      preference: "auto",
      autoOrder: WS_FIRST_ORDER,
      openers,
      pollIntervalMs,
      firstEventTimeoutMs: FIRST_EVENT_TIMEOUT_MS,
      onUnauthorized: () => sink.log(text.current.tl("offline")),
    });

    // Turn snapshot changes (transport, status) into the manager's decisions.
    let prev: { transport: Transport | null; status: LiveSnapshot["status"]; since: number } = {
      transport: null,
      status: "connecting",
      since: performance.now(),
    };
    const onChange = () => {
      const s = client.getSnapshot();
      setSnap(s);
      if (s.transport === prev.transport && s.status === prev.status) return;
      const now = performance.now();
      const { t: tt } = text.current;
      if (s.transport && s.transport !== prev.transport) {
        if (!prev.transport) sink.log(tt("restricted.trying", { transport: name(s.transport) }));
        else if (prev.status === "live") sink.log(tt("restricted.upgrade", { from: name(prev.transport), to: name(s.transport) }));
        else if (now - prev.since >= FIRST_EVENT_TIMEOUT_MS - 250)
          sink.log(tt("restricted.noFirstEvent", { from: name(prev.transport), to: name(s.transport), seconds: secs(now - prev.since) }));
        else sink.log(tt("restricted.failed", { from: name(prev.transport), to: name(s.transport) }));
        prev = { ...prev, transport: s.transport, since: now };
      }
      if (s.status !== prev.status && s.transport) {
        if (s.status === "live") sink.log(tt("restricted.live", { transport: name(s.transport) }));
        else if (s.status === "offline") sink.log(tt("restricted.offline"));
        else if (prev.status === "live" && s.transport === prev.transport) sink.log(tt("restricted.lost", { transport: name(s.transport) }));
      }
      prev = { ...prev, status: s.status };
    };
    const unsubscribe = client.subscribe(onChange);
    const offEvent = client.onEvent((e) => {
      const via = client.getSnapshot().transport;
      record(e, { countOnly: via === "poll", via });
    });
    // Start from the inbox's current position, as the app does, so a fallback resumes from it and
    // replays what the held stream swallowed (a client with no cursor would only learn the count).
    const ctrl = new AbortController();
    void (async () => {
      try {
        sink.traffic({ requests: 1 });
        const res = await fetch("/api/notifications/unread-count", { cache: "no-store", signal: ctrl.signal });
        const body = await res.text();
        sink.traffic({ bytes: body.length });
        const state = seedSchema.safeParse(JSON.parse(body));
        if (state.success) client.seed(state.data);
      } catch {
        // start without a position: the first answer gives it
      }
      if (!ctrl.signal.aborted) client.start();
    })();
    return () => {
      ctrl.abort();
      unsubscribe();
      offEvent();
      client.stop();
    };
  }, [pollIntervalMs, record, appendLog]);

  // One log line per test that arrived or timed out.
  const logged = useRef<string | null>(null);
  useEffect(() => {
    if (!test || (delivery.state !== "delivered" && delivery.state !== "missed")) return;
    const mark = `${test.key}:${delivery.state}`;
    if (logged.current === mark) return;
    logged.current = mark;
    appendLog(
      delivery.state === "delivered"
        ? t("restricted.arrived", {
            transport: delivery.via ? tl(`transport.${delivery.via}`) : t("none"),
            ms: format.number(Math.round(delivery.latencyMs ?? 0)),
          })
        : t("restricted.missed"),
    );
  }, [test, delivery.state, delivery.via, delivery.latencyMs, t, tl, format, appendLog]);

  const status = snap?.status ?? "connecting";
  const transport = snap?.transport ?? null;
  return (
    <section
      data-testid="lab-panel-restricted"
      aria-labelledby="lab-restricted-title"
      className="flex flex-col gap-3 rounded-lg border border-dashed border-amber-400 bg-amber-50/40 p-4 dark:border-amber-700 dark:bg-amber-950/20"
    >
      <div className="flex items-baseline justify-between gap-2">
        <h2 id="lab-restricted-title" className="font-semibold">
          {t("restricted.title")}
        </h2>
        <StatusBadge status={status} label={tl(status)} />
      </div>
      <p className="text-sm text-zinc-600 dark:text-zinc-300">{t("restricted.explain")}</p>
      <div className="grid gap-4 md:grid-cols-2">
        <div className="flex flex-col gap-2">
          <p className="flex justify-between text-sm">
            <span className="text-zinc-500 dark:text-zinc-400">{t("transportNow")}</span>
            <span data-testid="lab-transport" data-transport={transport ?? ""} className="font-medium">
              {transport ? tl(`transport.${transport}`) : t("none")}
            </span>
          </p>
          <Figures requests={requests} bytes={bytes} delivery={delivery} testKey={test?.key ?? null} />
        </div>
        <div>
          <h3 className="mb-1 text-sm font-medium">{t("restricted.log")}</h3>
          <ol
            data-testid="lab-log"
            role="log"
            className="max-h-56 overflow-y-auto rounded border border-zinc-200 bg-white p-2 font-mono text-xs dark:border-zinc-800 dark:bg-zinc-900"
          >
            {log.map((entry) => (
              <li key={entry.key} className="flex gap-2">
                <span className="shrink-0 text-zinc-400 tabular-nums">
                  {t("restricted.at", { seconds: format.number(entry.at / 1000, { minimumFractionDigits: 2, maximumFractionDigits: 2 }) })}
                </span>
                <span>{entry.text}</span>
              </li>
            ))}
          </ol>
        </div>
      </div>
    </section>
  );
}
