"use client";
import { useFormatter, useNow, useTranslations } from "use-intl";
import { relativeNow } from "@/lib/client/relative-time";
import type { NotificationDto } from "@/lib/notifications/dto";
import { Markdown } from "./markdown";

type Props = {
  item: NotificationDto;
  compact?: boolean;
  /** Focusable by script (the inbox's j/k shortcuts), with a visible focus ring. */
  focusable?: boolean;
  onToggleRead?: (item: NotificationDto) => void;
  onDelete?: (item: NotificationDto) => void;
};

export function NotificationItem({ item, compact, focusable, onToggleRead, onDelete }: Props) {
  const t = useTranslations("inbox");
  const format = useFormatter();
  const now = useNow({ updateInterval: 30_000 });
  const unread = item.readAt === null;
  const created = new Date(item.createdAt);
  return (
    <article
      data-testid="notification"
      data-id={item.id}
      data-unread={unread ? "true" : "false"}
      aria-labelledby={`n-${item.id}-title`}
      tabIndex={focusable ? -1 : undefined}
      className={`flex gap-3 rounded-lg border p-3 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 ${
        unread
          ? "border-sky-300 bg-sky-50 dark:border-sky-700 dark:bg-sky-950/40"
          : "border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900"
      }`}
    >
      <span
        aria-hidden="true"
        className={`mt-2 h-2 w-2 shrink-0 rounded-full ${unread ? "bg-sky-500" : "bg-transparent"}`}
      />
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-baseline gap-x-2">
          <h3 id={`n-${item.id}-title`} className={`text-sm ${unread ? "font-semibold" : "font-medium"}`}>
            {unread && <span className="sr-only">{t("unreadMarker")}: </span>}
            {item.title}
          </h3>
          {item.kind === "announcement" && (
            <span className="rounded bg-amber-100 px-1.5 text-xs text-amber-900 dark:bg-amber-900/50 dark:text-amber-100">
              {t("announcement")}
            </span>
          )}
          <time
            dateTime={item.createdAt}
            title={format.dateTime(created, { dateStyle: "medium", timeStyle: "short" })}
            data-testid="notification-time"
            className="text-xs text-zinc-500 dark:text-zinc-400"
          >
            {format.relativeTime(created, relativeNow(created, now))}
          </time>
        </div>
        <div className={`mt-1 text-sm text-zinc-700 dark:text-zinc-300 ${compact ? "line-clamp-2" : ""}`}>
          <Markdown source={item.body} />
        </div>
        {item.link && !compact && (
          <a
            href={item.link}
            className="mt-1 inline-block text-sm text-sky-700 underline dark:text-sky-300"
            rel="noopener noreferrer"
          >
            {t("openLink")}
          </a>
        )}
      </div>
      {(onToggleRead || onDelete) && (
        <div role="group" aria-label={t("actions", { title: item.title })} className="flex shrink-0 flex-col gap-1 sm:flex-row">
          {onToggleRead && (
            <button type="button" className="btn-secondary" onClick={() => onToggleRead(item)}>
              {unread ? t("markRead") : t("markUnread")}
            </button>
          )}
          {onDelete && (
            <button type="button" className="btn-danger" onClick={() => onDelete(item)}>
              {t("delete")}
            </button>
          )}
        </div>
      )}
    </article>
  );
}
