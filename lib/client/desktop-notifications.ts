// Opt-in desktop notifications (the Notification API) for when the site is in the background.
// Permission is asked only when the user turns the setting on; the choice is kept in localStorage
// (shared by the tabs). Every tab hears every event, so only the tab holding the live connection
// shows them, and only if no visible tab of the site has shown the notification as a toast: each
// visible tab says "seen" on a BroadcastChannel, and the leader waits a moment for that.
import type { NotificationDto } from "@/lib/notifications/dto";
import { BURST_THRESHOLD } from "./burst";
import { markdownExcerpt } from "./markdown-text";

export const DESKTOP_PREF_KEY = "notif-desktop";
export const SEEN_CHANNEL = "notif-seen";
/** How long the leader waits for a visible tab's "seen" before it shows a desktop notification. */
export const SEEN_WAIT_MS = 300;
export const BODY_MAX = 120;

export type DesktopStatus = "unsupported" | "denied" | "off" | "on";

function api(): typeof Notification | null {
  return typeof window !== "undefined" && "Notification" in window ? window.Notification : null;
}

export function readDesktopPref(): boolean {
  try {
    return window.localStorage.getItem(DESKTOP_PREF_KEY) === "on";
  } catch {
    return false;
  }
}

const listeners = new Set<() => void>();

export function writeDesktopPref(on: boolean): void {
  try {
    window.localStorage.setItem(DESKTOP_PREF_KEY, on ? "on" : "off");
  } catch {
    // private mode: nothing is remembered
  }
  for (const l of listeners) l();
}

/** On only with the user's choice and the browser's permission. */
export function desktopStatus(): DesktopStatus {
  const N = api();
  if (!N) return "unsupported";
  if (N.permission === "denied") return "denied";
  return N.permission === "granted" && readDesktopPref() ? "on" : "off";
}

/** For useSyncExternalStore: the choice made in this tab or another, and permission changes. */
export function subscribeDesktop(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (e: StorageEvent) => {
    if (e.key === DESKTOP_PREF_KEY || e.key === null) listener();
  };
  window.addEventListener("storage", onStorage);
  let status: PermissionStatus | null = null;
  let gone = false;
  navigator.permissions
    ?.query({ name: "notifications" })
    .then((s) => {
      if (gone) return;
      status = s;
      s.addEventListener("change", listener);
    })
    .catch(() => undefined);
  return () => {
    gone = true;
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
    status?.removeEventListener("change", listener);
  };
}

/** Asks for permission (on a click only) and remembers the outcome. */
export async function enableDesktop(): Promise<DesktopStatus | "dismissed"> {
  const N = api();
  if (!N) return "unsupported";
  let permission = N.permission;
  if (permission === "default") {
    try {
      permission = await N.requestPermission();
    } catch {
      permission = N.permission; // old callback-only implementations
    }
  }
  writeDesktopPref(permission === "granted");
  if (permission === "granted") return "on";
  return permission === "denied" ? "denied" : "dismissed";
}

export type DesktopMessage = { title: string; body: string; tag: string };

/**
 * What to show for a batch of notifications nobody saw: one each, or, for more than the burst
 * threshold (a replay after a reconnect), a single summary.
 */
export function planDesktop(
  batch: NotificationDto[],
  summary: (count: number) => { title: string; body: string },
  threshold = BURST_THRESHOLD,
): DesktopMessage[] {
  if (batch.length > threshold) return [{ ...summary(batch.length), tag: "notif-burst" }];
  return batch.map((n) => ({ title: n.title, body: markdownExcerpt(n.body, BODY_MAX), tag: n.id }));
}
