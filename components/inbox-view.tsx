"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslations } from "use-intl";
import { api, type Filter } from "@/lib/client/api";
import { moveIndex, shortcutFor } from "@/lib/client/shortcuts";
import type { NotificationDto } from "@/lib/notifications/dto";
import { DesktopToggle } from "./desktop-notifications";
import { ShortcutsDialog, useShortcutsEnabled } from "./inbox-shortcuts";
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
  const tShortcuts = useTranslations("shortcuts");
  const { unreadCount, setCount, freshSince } = useLive();
  const [filter, setFilter] = useState<Filter>("all");
  const [items, setItems] = useState<NotificationDto[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loaded = useRef(0);
  const listRef = useRef<HTMLUListElement>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const shortcutsOn = useShortcutsEnabled();
  /** After a shortcut acted on an item: focus goes back to it, or to its neighbour if it left the list. */
  const [refocus, setRefocus] = useState<{ id: string; neighbour: string | null } | null>(null);

  /** Reloads what is on screen (at least one page) from the server. */
  /** One reload in flight; calls meanwhile coalesce into one more after it. */
  const reloading = useRef<{ running: boolean; again: Filter | null }>({ running: false, again: null });
  const reload = useCallback(
    async (f: Filter): Promise<void> => {
      const r = reloading.current;
      if (r.running) {
        r.again = f;
        return;
      }
      r.running = true;
      try {
        // A page that left the server before something arrived live is stale: ask again, a few
        // times at most (under a steady stream the next event brings the next reload anyway).
        for (let attempt = 0; ; attempt++) {
          const askedAt = Date.now();
          const page = await api.list(f, Math.min(100, Math.max(PAGE, loaded.current)));
          if (!freshSince(askedAt) && attempt < 2) {
            await new Promise((res) => setTimeout(res, 150));
            continue;
          }
          setItems(page.items);
          setNextCursor(page.nextCursor);
          setCount(page.unreadCount, askedAt);
          loaded.current = page.items.length;
          setError(null);
          break;
        }
      } catch {
        setError(t("loadError"));
      } finally {
        r.running = false;
        const next = r.again;
        r.again = null;
        if (next) void reload(next);
      }
    },
    [t, setCount, freshSince],
  );

  useEffect(() => {
    loaded.current = 0;
    setItems(null);
    void reload(filter);
  }, [filter, reload]);

  // "Loading…" only when it takes a while: no flash on every switch of tab.
  const [slow, setSlow] = useState(false);
  const loading = items === null;
  useEffect(() => {
    if (!loading) return;
    const timer = setTimeout(() => setSlow(true), 400);
    return () => {
      clearTimeout(timer);
      setSlow(false);
    };
  }, [loading]);

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
      const askedAt = Date.now();
      const r = await fn();
      if (r) setCount(r.unreadCount, askedAt);
      setError(null);
    } catch {
      setError(t("actionError"));
    }
    await reload(filter);
  }

  const toggleRead = (item: NotificationDto) => act(() => api.setRead(item.id, item.readAt === null));
  const remove = (item: NotificationDto) => act(() => api.remove(item.id));
  const empty = filter === "unread" ? t("emptyUnread") : filter === "announcements" ? t("emptyAnnouncements") : t("emptyAll");

  // Keyboard shortcuts: j/k (arrows on the list) move focus, m toggles read, x/Delete deletes, ? helps.
  const latest = useRef({ items, toggleRead, remove, helpOpen });
  useEffect(() => {
    latest.current = { items, toggleRead, remove, helpOpen };
  });
  useEffect(() => {
    if (!shortcutsOn) return;
    const onKey = (e: KeyboardEvent) => {
      if (latest.current.helpOpen) return;
      const articles = Array.from(listRef.current?.querySelectorAll<HTMLElement>('[data-testid="notification"]') ?? []);
      const active = document.activeElement;
      const current = articles.findIndex((a) => a.contains(active));
      const action = shortcutFor(e, current >= 0);
      if (!action) return;
      if (action === "help") {
        e.preventDefault();
        setHelpOpen(true);
        return;
      }
      if (action === "next" || action === "previous") {
        const to = articles[moveIndex(current, articles.length, action === "next" ? 1 : -1)];
        if (!to) return;
        e.preventDefault();
        to.focus();
        to.scrollIntoView({ block: "nearest" });
        return;
      }
      const el = articles[current];
      const item = el && latest.current.items?.find((i) => i.id === el.dataset.id);
      if (!item) return;
      e.preventDefault();
      const neighbour = (articles[current + 1] ?? articles[current - 1])?.dataset.id ?? null;
      const done = action === "toggleRead" ? latest.current.toggleRead(item) : latest.current.remove(item);
      void done.then(() => setRefocus({ id: item.id, neighbour }));
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [shortcutsOn]);

  useEffect(() => {
    if (!refocus) return;
    setRefocus(null);
    const active = document.activeElement;
    if (active && active !== document.body) return; // focus is still somewhere: leave it there
    const list = listRef.current;
    const find = (id: string | null) => (id ? list?.querySelector<HTMLElement>(`[data-testid="notification"][data-id="${CSS.escape(id)}"]`) : null);
    (find(refocus.id) ?? find(refocus.neighbour) ?? list?.querySelector<HTMLElement>('[data-testid="notification"]'))?.focus();
  }, [refocus]);

  return (
    <section aria-labelledby="inbox-title" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 id="inbox-title" className="text-2xl font-semibold">
          {t("title")}
        </h1>
        <div className="flex flex-wrap items-start justify-end gap-3">
          <DesktopToggle />
          <button
            type="button"
            className="btn-secondary"
            aria-label={tShortcuts("open")}
            title={tShortcuts("open")}
            aria-keyshortcuts={shortcutsOn ? "?" : undefined}
            aria-haspopup="dialog"
            data-testid="shortcuts-button"
            onClick={() => setHelpOpen(true)}
          >
            <span aria-hidden="true">?</span>
          </button>
          <button
            type="button"
            className="btn-secondary"
            disabled={!unreadCount}
            onClick={() => void act(() => api.readAll())}
          >
            {t("readAll")}
          </button>
        </div>
      </div>
      <ShortcutsDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
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
      {items === null ? (
        error || !slow ? null : (
          <p className="py-10 text-center text-sm text-zinc-500 dark:text-zinc-400">{t("loading")}</p>
        )
      ) : items.length === 0 ? (
        <div data-testid="inbox-empty" className="flex flex-col items-center gap-3 py-12 text-center text-zinc-500 dark:text-zinc-400">
          <svg aria-hidden="true" viewBox="0 0 24 24" className="h-10 w-10 text-zinc-300 dark:text-zinc-600" fill="none" stroke="currentColor" strokeWidth="1.5">
            <path d="M3 13h4.5l1.5 3h6l1.5-3H21M5.5 5h13L21 13v5a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1v-5l2.5-8Z" />
          </svg>
          <p>{empty}</p>
        </div>
      ) : (
        <ul ref={listRef} className="flex flex-col gap-2" data-testid="inbox-list" aria-keyshortcuts={shortcutsOn ? "j k m x ?" : undefined}>
          {items.map((item) => (
            <li key={item.id}>
              <NotificationItem item={item} focusable onToggleRead={toggleRead} onDelete={remove} />
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
