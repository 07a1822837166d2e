"use client";
import { createContext, useCallback, useContext, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { useTranslations } from "use-intl";
import { BurstDetector } from "@/lib/client/burst";
import { DEFAULT_AUTO_ORDER, LiveClient, type LiveListener, WS_FIRST_ORDER } from "@/lib/client/live";
import { SharedLive, type SharedSnapshot } from "@/lib/client/tabs";
import { PREFERENCES, type Preference } from "@/lib/client/transports";

const LiveContext = createContext<SharedLive | null>(null);
const PREFERENCE_KEY = "notif-live-transport";

function storedPreference(): Preference {
  try {
    const v = window.localStorage.getItem(PREFERENCE_KEY);
    return PREFERENCES.find((p) => p === v) ?? "auto";
  } catch {
    return "auto";
  }
}

async function signedIn(): Promise<boolean> {
  try {
    const res = await fetch("/api/notifications/unread-count", { cache: "no-store" });
    return res.status !== 401;
  } catch {
    return true; // the network is down, not the session
  }
}

function toLogin(): void {
  window.location.assign(`/login?callbackUrl=${encodeURIComponent(window.location.pathname)}`);
}

function useClient(): SharedLive {
  const client = useContext(LiveContext);
  if (!client) throw new Error("LiveProvider is missing");
  return client;
}

type LiveApi = {
  /** A count from a response to a request sent at `askedAt` (Date.now()); dropped if a live change is newer. */
  setCount(n: number, askedAt: number): void;
  /** True when nothing changed live since `askedAt`: a list fetched then is still current. */
  freshSince(askedAt: number): boolean;
  setPreference(p: Preference): void;
};

export function useLive(): SharedSnapshot & LiveApi {
  const client = useClient();
  const snap = useSyncExternalStore(client.subscribe, client.getSnapshot, client.getSnapshot);
  const setCount = useCallback((n: number, askedAt: number) => client.setCount(n, askedAt), [client]);
  const freshSince = useCallback((askedAt: number) => client.freshSince(askedAt), [client]);
  const setPreference = useCallback(
    (p: Preference) => {
      try {
        window.localStorage.setItem(PREFERENCE_KEY, p);
      } catch {
        // private mode: the choice lasts for this page only
      }
      client.setPreference(p);
    },
    [client],
  );
  return { ...snap, setCount, freshSince, setPreference };
}

/** Calls `listener` for every live event (the latest listener, without resubscribing). */
export function useLiveEvents(listener: LiveListener): void {
  const client = useClient();
  const ref = useRef(listener);
  useEffect(() => {
    ref.current = listener;
  });
  useEffect(() => client.onEvent((e) => ref.current(e)), [client]);
}

/** Keeps "(3) " in front of the document title while anything is unread. */
function useTitleCount(count: number | null): void {
  useEffect(() => {
    const apply = () => {
      const base = document.title.replace(/^\(\d+\) /, "");
      const next = count ? `(${count}) ${base}` : base;
      if (document.title !== next) document.title = next;
    };
    apply();
    const title = document.querySelector("title");
    if (!title) return;
    const observer = new MutationObserver(apply);
    observer.observe(title, { childList: true, characterData: true, subtree: true });
    return () => observer.disconnect();
  }, [count]);
}

/**
 * Politely announces new notifications to screen readers: the one voice for arrivals (the toasts are
 * not a live region). A replay burst (see burst.ts) is announced as "N new notifications".
 */
function LiveAnnouncer({ client }: { client: SharedLive }) {
  const t = useTranslations("live");
  const [message, setMessage] = useState("");
  useEffect(() => {
    const burst = new BurstDetector<string>();
    return client.onEvent((e) => {
      const n = e.notification;
      if (!n) return;
      const verdict = burst.arrive(n.id, Date.now());
      setMessage(verdict.kind === "single" ? t("announce", { title: n.title }) : t("announceMany", { count: verdict.count }));
    });
  }, [client, t]);
  return (
    <div aria-live="polite" aria-atomic="true" className="sr-only" data-testid="live-announcer">
      {message}
    </div>
  );
}

type ProviderProps = {
  children: React.ReactNode;
  /** The signed-in user: tabs share a connection only within one account. */
  userId: string;
  /** "ws": WebSocket first in Auto (LIVE_DEFAULT_TRANSPORT). */
  defaultTransport: "sse" | "ws";
};

export function LiveProvider({ children, userId, defaultTransport }: ProviderProps) {
  const [client] = useState(
    () =>
      new SharedLive(
        userId,
        (preference) =>
          new LiveClient({
            preference,
            autoOrder: defaultTransport === "ws" ? WS_FIRST_ORDER : DEFAULT_AUTO_ORDER,
            onUnauthorized: toLogin,
            checkSignedIn: signedIn,
          }),
        "auto",
      ),
  );
  useEffect(() => {
    // After hydration, so the server's and the browser's first render agree.
    client.setPreference(storedPreference());
    client.start();
    return () => client.stop();
  }, [client]);
  const snap = useSyncExternalStore(client.subscribe, client.getSnapshot, client.getSnapshot);
  useTitleCount(snap.unreadCount);
  return (
    <LiveContext.Provider value={client}>
      {children}
      <LiveAnnouncer client={client} />
    </LiveContext.Provider>
  );
}
