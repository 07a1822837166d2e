"use client";
import Link from "next/link";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { useTranslations } from "use-intl";
import { api } from "@/lib/client/api";
import type { NotificationDto } from "@/lib/notifications/dto";
import { useLive, useLiveEvents } from "./live-provider";
import { NotificationItem } from "./notification-item";

const LATEST = 5;

export function Bell() {
  const t = useTranslations("bell");
  const { unreadCount, setCount, freshSince } = useLive();
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<NotificationDto[] | null>(null);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const count = unreadCount ?? 0;

  const load = useCallback(async (attempt = 0): Promise<void> => {
    const askedAt = Date.now();
    const page = await api.list("all", LATEST);
    // Something arrived live while the list was on its way: it is already stale, ask again (twice at most).
    if (!freshSince(askedAt) && attempt < 2) return load(attempt + 1);
    setItems(page.items);
    setCount(page.unreadCount, askedAt);
  }, [setCount, freshSince]);

  useEffect(() => {
    if (open) void load().catch(() => setItems([]));
  }, [open, load]);

  useLiveEvents((e) => {
    if (!open) return;
    const n = e.notification;
    if (n) setItems((cur) => [n, ...(cur ?? []).filter((i) => i.id !== n.id)].slice(0, LATEST));
    else void load().catch(() => undefined);
  });

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    const onClick = (e: MouseEvent) => {
      if (rootRef.current && !rootRef.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onClick);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onClick);
    };
  }, [open]);

  return (
    <div ref={rootRef} className="relative">
      <button
        ref={buttonRef}
        type="button"
        data-testid="bell"
        aria-label={t("label", { count })}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        className="relative rounded-full p-2 text-zinc-700 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-sky-500 dark:text-zinc-200 dark:hover:bg-zinc-800"
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" className="h-6 w-6" fill="none" stroke="currentColor" strokeWidth="1.8">
          <path d="M15 17h5l-1.4-1.4A2 2 0 0 1 18 14.2V11a6 6 0 1 0-12 0v3.2c0 .5-.2 1-.6 1.4L4 17h5m6 0a3 3 0 1 1-6 0" />
        </svg>
        {count > 0 && (
          <span
            aria-hidden="true"
            data-testid="bell-count"
            className="absolute -top-0.5 -right-0.5 min-w-5 rounded-full bg-rose-600 px-1 text-center text-xs leading-5 font-semibold text-white"
          >
            {count > 99 ? "99+" : count}
          </span>
        )}
      </button>
      {open && (
        <div
          id={panelId}
          role="region"
          aria-label={t("heading")}
          className="absolute right-0 z-20 mt-2 w-[min(24rem,calc(100vw-2rem))] rounded-xl border border-zinc-200 bg-white p-3 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          <div className="mb-2 flex items-center justify-between">
            <h2 className="text-sm font-semibold">{t("heading")}</h2>
            {count > 0 && (
              <button
                type="button"
                className="text-xs text-sky-700 underline dark:text-sky-300"
                onClick={() => {
                  const askedAt = Date.now();
                  void api.readAll().then((r) => setCount(r.unreadCount, askedAt));
                }}
              >
                {t("markAllRead")}
              </button>
            )}
          </div>
          {items === null ? (
            <p className="text-sm text-zinc-500">{t("loading")}</p>
          ) : items.length === 0 ? (
            <p className="text-sm text-zinc-500">{t("empty")}</p>
          ) : (
            <ul className="flex max-h-96 flex-col gap-2 overflow-y-auto">
              {items.map((item) => (
                <li key={item.id}>
                  <NotificationItem item={item} compact />
                </li>
              ))}
            </ul>
          )}
          <Link
            href="/inbox"
            onClick={() => setOpen(false)}
            className="mt-3 block text-center text-sm text-sky-700 underline dark:text-sky-300"
          >
            {t("viewAll")}
          </Link>
        </div>
      )}
    </div>
  );
}
