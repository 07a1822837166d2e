"use client";
import Link from "next/link";
import { useEffect, useId, useReducer, useRef, useState } from "react";
import { useTranslations } from "use-intl";
import { BurstDetector } from "@/lib/client/burst";
import { markdownExcerpt } from "@/lib/client/markdown-text";
import { OwnActions, registerOwnActions } from "@/lib/client/own-actions";
import { initialToastState, type Toast, TOAST_TIMEOUT_MS, toastKey, toastReducer } from "@/lib/client/toast-queue";
import type { NotificationDto } from "@/lib/notifications/dto";
import { useLive, useLiveEvents } from "./live-provider";

/** After a pause (hover, focus) a toast stays at least this long. */
const MIN_AFTER_PAUSE_MS = 2000;

/**
 * Pop-ups for arriving notifications, in the visible tab only (a hidden tab has the title count and,
 * if enabled, desktop notifications). Screen readers already hear each arrival from the provider's
 * LiveAnnouncer, so this region is not aria-live: it is a labelled region whose links and buttons
 * stay reachable by keyboard while a toast is shown (focus or hover pauses its timer).
 */
export function NotificationToasts() {
  const t = useTranslations("toast");
  const [state, dispatch] = useReducer(toastReducer, initialToastState);
  const own = useRef<OwnActions<NotificationDto> | null>(null);
  const { unreadCount } = useLive();

  useEffect(() => {
    const burst = new BurstDetector<string>();
    const actions = new OwnActions<NotificationDto>((notification) => {
      const now = Date.now();
      dispatch({ type: "arrive", notification, verdict: burst.arrive(toastKey(notification), now), now });
    });
    own.current = actions;
    const unregister = registerOwnActions(actions);
    return () => {
      unregister();
      actions.dispose();
      own.current = null;
    };
  }, []);

  useLiveEvents((e) => {
    const n = e.notification;
    if (n && document.visibilityState === "visible") own.current?.arrive(n.id, n);
  });

  // Everything was read (here or in another tab): a toast urging "View" would be stale.
  useEffect(() => {
    if (unreadCount === 0) for (const toast of state.toasts) dispatch({ type: "dismiss", key: toast.key });
  }, [unreadCount, state.toasts]);

  if (state.toasts.length === 0) return null;
  return (
    <section
      aria-label={t("region")}
      data-testid="toasts"
      className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-[min(24rem,calc(100vw-2rem))] flex-col gap-2"
    >
      {state.toasts.map((toast) => (
        <ToastCard key={toast.key} toast={toast} onDismiss={() => dispatch({ type: "dismiss", key: toast.key })} />
      ))}
    </section>
  );
}

function isInternal(href: string): boolean {
  return href.startsWith("/") && !href.startsWith("//");
}

function ToastCard({ toast, onDismiss }: { toast: Toast; onDismiss: () => void }) {
  const t = useTranslations("toast");
  const titleId = useId();
  const [hovered, setHovered] = useState(false);
  const [focused, setFocused] = useState(false);
  const paused = hovered || focused;
  const remaining = useRef(TOAST_TIMEOUT_MS);
  const shownAt = useRef(toast.shownAt);
  const dismiss = useRef(onDismiss);
  useEffect(() => {
    dismiss.current = onDismiss;
  });

  useEffect(() => {
    if (shownAt.current !== toast.shownAt) {
      // A burst summary counted more: its full time starts again.
      shownAt.current = toast.shownAt;
      remaining.current = TOAST_TIMEOUT_MS;
    }
    if (paused) return;
    const started = Date.now();
    const timer = setTimeout(() => dismiss.current(), remaining.current);
    return () => {
      clearTimeout(timer);
      remaining.current = Math.max(MIN_AFTER_PAUSE_MS, remaining.current - (Date.now() - started));
    };
  }, [paused, toast.shownAt]);

  const single = toast.kind === "single" ? toast.notification : null;
  const title = single ? single.title : t("many", { count: toast.kind === "summary" ? toast.count : 0 });
  const detail = single ? markdownExcerpt(single.body, 120) : t("manyBody");
  const href = single?.link ?? "/inbox";
  const linkClass =
    "mt-1 inline-block rounded text-sm font-medium text-sky-700 underline focus-visible:outline-2 focus-visible:outline-sky-500 dark:text-sky-300";

  return (
    <div
      role="group"
      aria-labelledby={titleId}
      data-testid="toast"
      data-kind={toast.kind}
      onMouseEnter={() => setHovered(true)}
      onMouseLeave={() => setHovered(false)}
      onFocus={() => setFocused(true)}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocused(false);
      }}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onDismiss();
        }
      }}
      className="pointer-events-auto flex gap-3 rounded-lg border border-zinc-200 bg-white p-3 text-zinc-900 shadow-lg dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <svg aria-hidden="true" viewBox="0 0 24 24" className="mt-0.5 h-5 w-5 shrink-0 text-sky-600 dark:text-sky-400" fill="none" stroke="currentColor" strokeWidth="1.8">
        <path d="M15 17h5l-1.4-1.4A2 2 0 0 1 18 14.2V11a6 6 0 1 0-12 0v3.2c0 .5-.2 1-.6 1.4L4 17h5m6 0a3 3 0 1 1-6 0" />
      </svg>
      <div className="min-w-0 flex-1">
        {single && <p className="text-xs text-zinc-500 dark:text-zinc-400">{t("new")}</p>}
        <p id={titleId} data-testid="toast-title" className="truncate text-sm font-semibold">
          {title}
        </p>
        {detail && <p className="mt-0.5 line-clamp-2 text-sm break-words text-zinc-600 dark:text-zinc-300">{detail}</p>}
        {isInternal(href) ? (
          <Link href={href} onClick={onDismiss} aria-describedby={titleId} className={linkClass}>
            {t("view")}
          </Link>
        ) : (
          <a href={href} onClick={onDismiss} aria-describedby={titleId} rel="noopener noreferrer" className={linkClass}>
            {t("view")}
          </a>
        )}
      </div>
      <button
        type="button"
        onClick={onDismiss}
        aria-label={t("dismissNamed", { title })}
        title={t("dismiss")}
        className="-m-1 h-7 w-7 shrink-0 rounded-full text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-sky-500 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" className="mx-auto h-4 w-4" fill="none" stroke="currentColor" strokeWidth="2">
          <path d="M6 6l12 12M18 6L6 18" />
        </svg>
      </button>
    </div>
  );
}
