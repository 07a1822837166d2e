"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslations } from "use-intl";
import { api, type Filter } from "@/lib/client/api";
import type { NotificationDto } from "@/lib/notifications/dto";
import { useLive, useLiveEvents } from "./live-provider";
import { NotificationItem } from "./notification-item";

const PAGE = 20;
const FILTERS: Filter[] = ["all", "unread", "announcements"];

function matches(filter: Filter, n: NotificationDto): boolean {
  if (filter === "unread") return n.readAt === null;
  if (filter === "announcements") return n.kind === "announcement";
  return true;
}

export function InboxView() {
  const t = useTranslations("inbox");
  const { unreadCount, setCount } = useLive();
  const [filter, setFilter] = useState<Filter>("all");
  const [items, setItems] = useState<NotificationDto[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loaded = useRef(0);

  /** Reloads what is on screen (at least one page) from the server. */
  const reload = useCallback(
    async (f: Filter) => {
      try {
        const page = await api.list(f, Math.min(100, Math.max(PAGE, loaded.current)));
        setItems(page.items);
        setNextCursor(page.nextCursor);
        setCount(page.unreadCount);
        loaded.current = page.items.length;
        setError(null);
      } catch {
        setError(t("loadError"));
      }
    },
    [t, setCount],
  );

  useEffect(() => {
    loaded.current = 0;
    setItems(null);
    void reload(filter);
  }, [filter, reload]);

  useLiveEvents((e) => {
    const n = e.notification;
    if (!n) {
      // A read, unread, delete or read-all somewhere else: show the server's state.
      void reload(filter);
      return;
    }
    if (!matches(filter, n)) return;
    setItems((cur) => (cur && !cur.some((i) => i.id === n.id) ? [n, ...cur] : cur));
    loaded.current++;
  });

  async function loadMore() {
    if (!nextCursor) return;
    try {
      const page = await api.list(filter, PAGE, nextCursor);
      setItems((cur) => [...(cur ?? []), ...page.items.filter((i) => !cur?.some((c) => c.id === i.id))]);
      setNextCursor(page.nextCursor);
      loaded.current += page.items.length;
    } catch {
      setError(t("loadError"));
    }
  }

  async function act(fn: () => Promise<{ unreadCount: number } | void>) {
    try {
      const r = await fn();
      if (r) setCount(r.unreadCount);
      setError(null);
    } catch {
      setError(t("actionError"));
    }
    await reload(filter);
  }

  const toggleRead = (item: NotificationDto) => act(() => api.setRead(item.id, item.readAt === null));
  const remove = (item: NotificationDto) => act(() => api.remove(item.id));
  const empty = filter === "unread" ? t("emptyUnread") : filter === "announcements" ? t("emptyAnnouncements") : t("emptyAll");

  return (
    <section aria-labelledby="inbox-title" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 id="inbox-title" className="text-2xl font-semibold">
          {t("title")}
        </h1>
        <button
          type="button"
          className="btn-secondary"
          disabled={!unreadCount}
          onClick={() => void act(() => api.readAll())}
        >
          {t("readAll")}
        </button>
      </div>
      <div role="tablist" aria-label={t("tabsLabel")} className="flex gap-1 border-b border-zinc-200 dark:border-zinc-800">
        {FILTERS.map((f) => (
          <button
            key={f}
            type="button"
            role="tab"
            aria-selected={filter === f}
            onClick={() => setFilter(f)}
            onKeyDown={(e) => {
              const i = FILTERS.indexOf(f);
              const to = e.key === "ArrowRight" ? FILTERS[(i + 1) % 3] : e.key === "ArrowLeft" ? FILTERS[(i + 2) % 3] : undefined;
              if (to) {
                setFilter(to);
                (e.currentTarget.parentElement?.children[FILTERS.indexOf(to)] as HTMLElement | undefined)?.focus();
              }
            }}
            tabIndex={filter === f ? 0 : -1}
            className={`-mb-px border-b-2 px-3 py-2 text-sm ${
              filter === f
                ? "border-sky-600 font-semibold text-sky-700 dark:text-sky-300"
                : "border-transparent text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
            }`}
          >
            {t(f)}
            {f === "unread" && unreadCount ? ` (${unreadCount})` : ""}
          </button>
        ))}
      </div>
      {error && (
        <p role="status" className="rounded bg-rose-50 p-2 text-sm text-rose-800 dark:bg-rose-950 dark:text-rose-200">
          {error}{" "}
          <button type="button" className="underline" onClick={() => void reload(filter)}>
            {t("retry")}
          </button>
        </p>
      )}
      {items === null ? null : items.length === 0 ? (
        <p className="py-10 text-center text-zinc-500 dark:text-zinc-400">{empty}</p>
      ) : (
        <ul className="flex flex-col gap-2" data-testid="inbox-list">
          {items.map((item) => (
            <li key={item.id}>
              <NotificationItem item={item} onToggleRead={toggleRead} onDelete={remove} />
            </li>
          ))}
        </ul>
      )}
      {nextCursor && (
        <button type="button" className="btn-secondary self-center" onClick={() => void loadMore()}>
          {t("loadMore")}
        </button>
      )}
    </section>
  );
}
