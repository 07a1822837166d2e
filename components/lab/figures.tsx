"use client";
import { useFormatter, useTranslations } from "use-intl";
import type { Delivery } from "./delivery";

const DELIVERED_STYLE: Record<Delivery["state"], string> = {
  idle: "text-zinc-500 dark:text-zinc-400",
  waiting: "text-amber-600 dark:text-amber-400",
  delivered: "text-emerald-700 dark:text-emerald-400",
  missed: "text-rose-700 dark:text-rose-400",
};

/** The numbers every lab panel shows, each readable by tests through its data-testid. */
export function Figures({ requests, bytes, delivery, testKey }: { requests: number; bytes: number; delivery: Delivery; testKey: number | null }) {
  const t = useTranslations("lab");
  const format = useFormatter();
  const latency = delivery.latencyMs === null ? null : Math.round(delivery.latencyMs);
  return (
    <dl className="grid grid-cols-2 gap-x-3 gap-y-1 text-sm">
      <dt className="text-zinc-500 dark:text-zinc-400">{t("requests")}</dt>
      <dd data-testid="lab-requests" data-value={requests} className="text-right font-mono tabular-nums">
        {format.number(requests)}
      </dd>
      <dt className="text-zinc-500 dark:text-zinc-400">{t("bytes")}</dt>
      <dd data-testid="lab-bytes" data-value={bytes} className="text-right font-mono tabular-nums">
        {t("bytesValue", { bytes: format.number(bytes) })}
      </dd>
      <dt className="text-zinc-500 dark:text-zinc-400">{t("latency")}</dt>
      <dd data-testid="lab-latency" data-value={latency ?? ""} className="text-right font-mono tabular-nums">
        {latency === null ? t("none") : t("latencyValue", { ms: format.number(latency) })}
      </dd>
      <dt className="text-zinc-500 dark:text-zinc-400">{t("delivered")}</dt>
      <dd data-testid="lab-delivered" data-state={delivery.state} data-test={testKey ?? ""} className={`text-right font-medium ${DELIVERED_STYLE[delivery.state]}`}>
        {t(`deliveredState.${delivery.state}`)}
      </dd>
    </dl>
  );
}
