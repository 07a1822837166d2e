"use client";
import { useTranslations } from "use-intl";
import { PREFERENCES, type Preference } from "@/lib/client/transports";
import { useLive } from "./live-provider";

const DOT: Record<string, string> = {
  live: "bg-emerald-500",
  connecting: "bg-amber-400",
  reconnecting: "bg-amber-400",
  offline: "bg-zinc-400",
};

/** Live / reconnecting / offline, the transport in use, and the user's choice of transport. */
export function LiveStatus() {
  const t = useTranslations("live");
  const { status, transport, preference, role, setPreference } = useLive();
  const label = t(status);
  const via = transport ? t(`transport.${transport}`) : "";
  return (
    <span className="hidden items-center gap-2 text-xs text-zinc-500 sm:inline-flex dark:text-zinc-400">
      <span
        data-testid="live-status"
        data-status={status}
        data-transport={transport ?? ""}
        data-role={role}
        title={t("statusLabel", { status: label })}
        className="inline-flex items-center gap-1.5"
      >
        <span aria-hidden="true" className={`h-2 w-2 rounded-full ${DOT[status]}`} />
        {label}
        {via && status === "live" ? <span className="text-zinc-400">· {via}</span> : null}
      </span>
      <label className="inline-flex items-center">
        <span className="sr-only">{t("preference")}</span>
        <select
          data-testid="live-preference"
          value={preference}
          onChange={(e) => setPreference(e.target.value as Preference)}
          className="rounded border border-zinc-300 bg-transparent px-1 py-0.5 dark:border-zinc-700"
        >
          {PREFERENCES.map((p) => (
            <option key={p} value={p}>
              {t(`transport.${p}`)}
            </option>
          ))}
        </select>
      </label>
    </span>
  );
}
