"use client";
import { useTranslations } from "use-intl";
import { useLive } from "./live-provider";

const DOT: Record<string, string> = {
  live: "bg-emerald-500",
  connecting: "bg-amber-400",
  reconnecting: "bg-amber-400",
  offline: "bg-zinc-400",
};

export function LiveStatus() {
  const t = useTranslations("live");
  const { status } = useLive();
  const label = t(status);
  return (
    <span
      data-testid="live-status"
      data-status={status}
      title={t("statusLabel", { status: label })}
      className="hidden items-center gap-1.5 text-xs text-zinc-500 sm:inline-flex dark:text-zinc-400"
    >
      <span aria-hidden="true" className={`h-2 w-2 rounded-full ${DOT[status]}`} />
      {label}
    </span>
  );
}
