"use client";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState, useSyncExternalStore } from "react";
import { useTranslations } from "use-intl";
import {
  desktopStatus,
  type DesktopMessage,
  type DesktopStatus,
  enableDesktop,
  planDesktop,
  SEEN_CHANNEL,
  SEEN_WAIT_MS,
  subscribeDesktop,
  writeDesktopPref,
} from "@/lib/client/desktop-notifications";
import type { NotificationDto } from "@/lib/notifications/dto";
import { useLive, useLiveEvents } from "./live-provider";

type Seen = { t: "seen"; id: string };

function isSeen(v: unknown): v is Seen {
  return typeof v === "object" && v !== null && (v as Seen).t === "seen" && typeof (v as Seen).id === "string";
}

/**
 * Shows desktop notifications while the site is in the background (mounted once per tab). Every tab
 * hears every event; a visible tab tells the others it showed it, and only the tab holding the live
 * connection shows a desktop notification, for what no visible tab saw within a moment.
 */
export function DesktopNotifier() {
  const t = useTranslations("toast");
  const router = useRouter();
  const { role } = useLive();
  const latest = useRef({ role, t, router });
  useEffect(() => {
    latest.current = { role, t, router };
  });
  const channel = useRef<BroadcastChannel | null>(null);
  const seen = useRef(new Map<string, number>());
  const batch = useRef<NotificationDto[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    if (typeof BroadcastChannel === "undefined") return;
    const ch = new BroadcastChannel(SEEN_CHANNEL);
    ch.onmessage = (m: MessageEvent<unknown>) => {
      if (isSeen(m.data)) seen.current.set(m.data.id, Date.now());
    };
    channel.current = ch;
    return () => {
      ch.close();
      channel.current = null;
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, []);

  useLiveEvents((e) => {
    const n = e.notification;
    if (!n) return;
    if (document.visibilityState === "visible") {
      channel.current?.postMessage({ t: "seen", id: n.id } satisfies Seen);
      return;
    }
    if (latest.current.role === "follower" || desktopStatus() !== "on") return;
    batch.current.push(n);
    timer.current ??= setTimeout(flush, SEEN_WAIT_MS);
  });

  function flush() {
    timer.current = null;
    const now = Date.now();
    for (const [id, at] of seen.current) if (now - at > 60_000) seen.current.delete(id);
    const fresh = batch.current.splice(0).filter((n) => !seen.current.has(n.id));
    if (document.visibilityState === "visible" || desktopStatus() !== "on") return;
    const { t } = latest.current;
    for (const m of planDesktop(fresh, (count) => ({ title: t("many", { count }), body: t("manyBody") }))) show(m);
  }

  function show(m: DesktopMessage) {
    try {
      const n = new Notification(m.title, { body: m.body, tag: m.tag });
      n.onclick = () => {
        window.focus();
        n.close();
        latest.current.router.push("/inbox");
      };
    } catch {
      // Some browsers (Chrome on Android) only show notifications from a service worker.
    }
  }

  return null;
}

const serverStatus = (): DesktopStatus => "off";

type Message = "on" | "unsupported" | "denied" | "dismissed";

/** The opt-in switch in the inbox header: asks for permission on a click, never on load. */
export function DesktopToggle() {
  const t = useTranslations("inbox.desktop");
  const status = useSyncExternalStore(subscribeDesktop, desktopStatus, serverStatus);
  const [message, setMessage] = useState<Message | null>(null);
  const [asking, setAsking] = useState(false);
  const messageId = useId();
  const on = status === "on";

  async function toggle() {
    if (on) {
      writeDesktopPref(false);
      setMessage(null);
      return;
    }
    if (status === "unsupported" || status === "denied") {
      setMessage(status);
      return;
    }
    setAsking(true);
    const result = await enableDesktop();
    setAsking(false);
    setMessage(result === "off" ? null : result);
  }

  return (
    <div className="flex flex-col items-end gap-1">
      <button
        type="button"
        role="switch"
        aria-checked={on}
        aria-describedby={message ? messageId : undefined}
        aria-busy={asking}
        data-testid="desktop-toggle"
        disabled={asking}
        onClick={() => void toggle()}
        className="inline-flex items-center gap-2 rounded-md px-1 py-1 text-sm text-zinc-700 hover:text-zinc-950 focus-visible:outline-2 focus-visible:outline-sky-500 disabled:opacity-60 dark:text-zinc-300 dark:hover:text-white"
      >
        {t("label")}
        <span
          aria-hidden="true"
          className={`relative inline-flex h-5 w-9 shrink-0 items-center rounded-full transition-colors motion-reduce:transition-none ${
            on ? "bg-sky-600" : "bg-zinc-300 dark:bg-zinc-600"
          }`}
        >
          <span
            className={`inline-block h-4 w-4 rounded-full bg-white shadow transition-transform motion-reduce:transition-none ${
              on ? "translate-x-[18px]" : "translate-x-0.5"
            }`}
          />
        </span>
      </button>
      <p
        id={messageId}
        role="status"
        data-testid="desktop-message"
        className={`max-w-xs text-right text-xs ${
          message === "on" ? "text-zinc-600 dark:text-zinc-400" : "text-rose-700 dark:text-rose-300"
        }`}
      >
        {message ? t(message) : null}
      </p>
    </div>
  );
}
