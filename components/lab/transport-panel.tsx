"use client";
import { useEffect, useState } from "react";
import { useFormatter, useTranslations } from "use-intl";
import { LONG_POLL_TIMEOUT_S, OPENERS, type Transport } from "@/lib/client/transports";
import { type LabTest, useDelivery } from "./delivery";
import { Figures } from "./figures";

export type PanelStatus = "connecting" | "live" | "failed";

const DOT: Record<PanelStatus, string> = {
  connecting: "bg-amber-400",
  live: "bg-emerald-500",
  failed: "bg-rose-500",
};

export function StatusBadge({ status, label }: { status: string; label: string }) {
  const dot = status === "live" ? DOT.live : status === "failed" ? DOT.failed : DOT.connecting;
  return (
    <span data-testid="lab-status" data-status={status} className="inline-flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-300">
      <span aria-hidden="true" className={`h-2 w-2 rounded-full ${dot}`} />
      {label}
    </span>
  );
}

type Props = { transport: Transport; test: LabTest | null; pollIntervalMs: number };

/** One transport on its own connection, opened with the same opener the app uses, counting its traffic. */
export function TransportPanel({ transport, test, pollIntervalMs }: Props) {
  const t = useTranslations("lab");
  const format = useFormatter();
  const [status, setStatus] = useState<PanelStatus>("connecting");
  const [requests, setRequests] = useState(0);
  const [bytes, setBytes] = useState(0);
  const [attempt, setAttempt] = useState(0);
  const { record, delivery } = useDelivery(test);

  useEffect(() => {
    setStatus("connecting");
    const conn = OPENERS[transport](
      { cursor: null, unreadCount: null, pollIntervalMs },
      {
        alive: () => setStatus("live"),
        event: (e) => {
          setStatus("live");
          record(e, { countOnly: transport === "poll" });
        },
        ended: () => setStatus("failed"),
        traffic: (traffic) => {
          if (traffic.requests) setRequests((n) => n + traffic.requests!);
          if (traffic.bytes) setBytes((n) => n + traffic.bytes!);
        },
      },
    );
    return () => conn.close();
  }, [transport, pollIntervalMs, attempt, record]);

  const seconds = format.number(transport === "poll" ? pollIntervalMs / 1000 : LONG_POLL_TIMEOUT_S);
  return (
    <section
      data-testid={`lab-panel-${transport}`}
      aria-labelledby={`lab-${transport}-title`}
      className="flex flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div className="flex items-baseline justify-between gap-2">
        <h2 id={`lab-${transport}-title`} className="font-semibold">
          {t(`transports.${transport}.name`)}
        </h2>
        <StatusBadge status={status} label={t(`status.${status}`)} />
      </div>
      <p className="text-sm text-zinc-600 dark:text-zinc-300">{t(`transports.${transport}.explain`, { seconds })}</p>
      {transport === "poll" && (
        <p data-testid="lab-poll-interval" className="text-xs font-medium text-zinc-500 dark:text-zinc-400">
          {t("pollNote", { seconds })}
        </p>
      )}
      <Figures requests={requests} bytes={bytes} delivery={delivery} testKey={test?.key ?? null} />
      {status === "failed" && (
        <button type="button" className="btn-secondary self-start" onClick={() => setAttempt((n) => n + 1)}>
          {t("reconnect")}
        </button>
      )}
    </section>
  );
}
