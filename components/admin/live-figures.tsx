"use client";
import { useCallback, useState } from "react";
import { useFormatter, useTranslations } from "use-intl";
import { adminApi, type LiveStats } from "@/lib/client/admin-api";
import { useVisibleInterval } from "./use-visible-interval";

export const STATS_POLL_MS = 5000;

const ROWS = ["sse", "ws", "poll"] as const;

/** Open live connections on this server process, by transport, refreshed every 5 s while visible. */
export function LiveFigures() {
  const t = useTranslations("admin.live");
  const format = useFormatter();
  const [stats, setStats] = useState<LiveStats | null>(null);
  const [failed, setFailed] = useState(false);

  const refresh = useCallback(async () => {
    try {
      setStats(await adminApi.stats());
      setFailed(false);
    } catch {
      setFailed(true);
    }
  }, []);
  useVisibleInterval(refresh, STATS_POLL_MS);

  const value = (n: number | undefined) => (n === undefined ? t("none") : format.number(n));

  return (
    <div className="flex flex-col gap-2">
      {/* Polite and atomic: a changed figure is read out with its label, at most every 5 s. */}
      <dl aria-live="polite" className="grid grid-cols-2 gap-2 sm:grid-cols-4" data-testid="live-figures">
        {ROWS.map((transport) => (
          <div key={transport} aria-atomic="true" className="rounded-lg border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900">
            <dt className="text-xs text-zinc-500 dark:text-zinc-400">{t(`transports.${transport}`)}</dt>
            <dd data-testid={`live-${transport}`} data-value={stats?.connections[transport] ?? ""} className="mt-1 font-mono text-2xl tabular-nums">
              {value(stats?.connections[transport])}
            </dd>
          </div>
        ))}
        <div aria-atomic="true" className="rounded-lg border border-sky-200 bg-sky-50 p-3 dark:border-sky-900 dark:bg-sky-950/40">
          <dt className="text-xs text-zinc-600 dark:text-zinc-300">{t("total")}</dt>
          <dd data-testid="live-total" data-value={stats?.total ?? ""} className="mt-1 font-mono text-2xl font-semibold tabular-nums">
            {value(stats?.total)}
          </dd>
        </div>
      </dl>
      <p className="text-xs text-zinc-500 dark:text-zinc-400">{t("note", { seconds: STATS_POLL_MS / 1000 })}</p>
      {failed && (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
          {t("failed")}
        </p>
      )}
    </div>
  );
}
