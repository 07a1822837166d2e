"use client";
import { createContext, useCallback, useContext, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { useTranslations } from "use-intl";
import { LiveClient, type LiveListener, type LiveSnapshot } from "@/lib/client/live";

const LiveContext = createContext<LiveClient | null>(null);

function useClient(): LiveClient {
  const client = useContext(LiveContext);
  if (!client) throw new Error("LiveProvider is missing");
  return client;
}

export function useLive(): LiveSnapshot & { setCount(n: number): void } {
  const client = useClient();
  const snap = useSyncExternalStore(client.subscribe, client.getSnapshot, client.getSnapshot);
  const setCount = useCallback((n: number) => client.setCount(n), [client]);
  return { ...snap, setCount };
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

/** Politely announces new notifications to screen readers. */
function LiveAnnouncer({ client }: { client: LiveClient }) {
  const t = useTranslations("live");
  const [message, setMessage] = useState("");
  useEffect(
    () =>
      client.onEvent((e) => {
        if (e.notification) setMessage(t("announce", { title: e.notification.title }));
      }),
    [client, t],
  );
  return (
    <div aria-live="polite" aria-atomic="true" className="sr-only" data-testid="live-announcer">
      {message}
    </div>
  );
}

export function LiveProvider({ children }: { children: React.ReactNode }) {
  const [client] = useState(() => new LiveClient());
  useEffect(() => {
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
