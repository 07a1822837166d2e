"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import { useFormatter, useTranslations } from "use-intl";
import { type Audience, AdminApiError, adminApi, type HistoryItem } from "@/lib/client/admin-api";
import { ConfirmDialog } from "./confirm-dialog";
import { useVisibleInterval } from "./use-visible-interval";

const PAGE = 20;
const MAX_PAGE = 100;
export const HISTORY_POLL_MS = 5000;

/** Reads over recipients, or null when there is nobody to read it (yet). */
export function readRate(item: Pick<HistoryItem, "readCount" | "recipientCount">): number | null {
  return item.recipientCount > 0 ? Math.min(1, item.readCount / item.recipientCount) : null;
}

type Notice = { kind: "withdrawn"; title: string } | null;

/**
 * What was sent, newest first, with recipients, reads and read rate. Polled every 5 s while the tab
 * is visible (and at once after a send or a withdrawal), so the figures move as people read.
 */
export function History({ version }: { version: number }) {
  const t = useTranslations("admin.history");
  const format = useFormatter();
  const [items, setItems] = useState<HistoryItem[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loadError, setLoadError] = useState(false);
  const [notice, setNotice] = useState<Notice>(null);
  // The row being withdrawn; kept while the dialog closes so its text does not flash empty.
  const [target, setTarget] = useState<HistoryItem | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const shownItems = useRef<HistoryItem[]>([]);
  const statusRef = useRef<HTMLParagraphElement>(null);

  const commit = useCallback((next: HistoryItem[]) => {
    shownItems.current = next;
    setItems(next);
  }, []);

  /** Re-reads what is on screen (up to 100 rows); older rows loaded beyond that are kept. */
  const refresh = useCallback(async () => {
    try {
      const cur = shownItems.current;
      const page = await adminApi.history(Math.min(MAX_PAGE, Math.max(PAGE, cur.length)));
      const fresh = new Set(page.items.map((i) => i.id));
      const tail = cur.length > MAX_PAGE ? cur.slice(MAX_PAGE).filter((i) => !fresh.has(i.id)) : [];
      commit([...page.items, ...tail]);
      if (!tail.length) setNextCursor(page.nextCursor);
      setLoadError(false);
    } catch {
      setLoadError(true);
    }
  }, [commit]);

  useVisibleInterval(refresh, HISTORY_POLL_MS);

  useEffect(() => {
    if (version > 0) void refresh();
  }, [version, refresh]);

  async function loadMore() {
    if (!nextCursor) return;
    try {
      const page = await adminApi.history(PAGE, nextCursor);
      const cur = shownItems.current;
      commit([...cur, ...page.items.filter((i) => !cur.some((c) => c.id === i.id))]);
      setNextCursor(page.nextCursor);
    } catch {
      setLoadError(true);
    }
  }

  async function withdraw() {
    if (!target || busy) return;
    setBusy(true);
    setDialogError(null);
    try {
      await adminApi.withdraw(target.id);
    } catch (e) {
      // Already gone (withdrawn elsewhere) is what was asked for.
      if (!(e instanceof AdminApiError && e.status === 404)) {
        setBusy(false);
        setDialogError(t("withdrawFailed"));
        return;
      }
    }
    commit(shownItems.current.filter((i) => i.id !== target.id));
    setNotice({ kind: "withdrawn", title: target.title });
    setBusy(false);
    setConfirming(false);
    await refresh();
  }

  function audience(a: Audience): string {
    if (a.type === "all") return t("audience.all");
    if (a.type === "role") return t("audience.role", { role: a.role });
    const shown = a.emails.slice(0, 2).join(", ");
    return a.emails.length > 2 ? t("audience.usersMore", { emails: shown, more: a.emails.length - 2 }) : shown;
  }

  const when = (iso: string) => format.dateTime(new Date(iso), { dateStyle: "medium", timeStyle: "short" });
  const th = "px-2 py-2 text-left font-medium text-zinc-600 dark:text-zinc-400";
  const num = "px-2 py-2 text-right font-mono tabular-nums";

  return (
    <div className="flex flex-col gap-3">
      <p className="text-xs text-zinc-500 dark:text-zinc-400">{t("pollNote", { seconds: HISTORY_POLL_MS / 1000 })}</p>
      <p ref={statusRef} tabIndex={-1} role="status" data-testid="history-status" className="text-sm empty:hidden focus:outline-none">
        {notice?.kind === "withdrawn" && t("withdrawn", { title: notice.title })}
      </p>
      {loadError && (
        <p role="alert" className="rounded bg-rose-50 p-2 text-sm text-rose-800 dark:bg-rose-950 dark:text-rose-200">
          {t("loadError")}{" "}
          <button type="button" className="underline" onClick={() => void refresh()}>
            {t("retry")}
          </button>
        </p>
      )}
      {items === null ? (
        !loadError && <p className="text-sm text-zinc-500">{t("loading")}</p>
      ) : items.length === 0 ? (
        <p className="py-6 text-center text-sm text-zinc-500 dark:text-zinc-400">{t("empty")}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
          <table className="w-full min-w-[40rem] border-collapse bg-white text-sm dark:bg-zinc-900" data-testid="history">
            <caption className="sr-only">{t("caption")}</caption>
            <thead className="border-b border-zinc-200 dark:border-zinc-800">
              <tr>
                <th scope="col" className={th}>
                  {t("columns.title")}
                </th>
                <th scope="col" className={th}>
                  {t("columns.audience")}
                </th>
                <th scope="col" className={th}>
                  {t("columns.state")}
                </th>
                <th scope="col" className={`${th} text-right`}>
                  {t("columns.recipients")}
                </th>
                <th scope="col" className={`${th} text-right`}>
                  {t("columns.reads")}
                </th>
                <th scope="col" className={`${th} text-right`}>
                  {t("columns.rate")}
                </th>
                <th scope="col" className={th}>
                  <span className="sr-only">{t("columns.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => {
                const rate = readRate(item);
                const published = item.publishedAt !== null;
                return (
                  <tr key={item.id} data-testid="history-row" data-id={item.id} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
                    <th scope="row" className="max-w-56 px-2 py-2 text-left align-top font-normal">
                      <span className="block font-medium break-words">{item.title}</span>
                      <span className="block text-xs text-zinc-500 dark:text-zinc-400">{t("by", { email: item.createdBy })}</span>
                    </th>
                    <td className="max-w-44 px-2 py-2 align-top break-words" data-testid="history-audience">
                      {audience(item.audience)}
                    </td>
                    <td className="px-2 py-2 align-top" data-testid="history-state" data-state={published ? "published" : "scheduled"}>
                      <span
                        className={`inline-block rounded px-1.5 text-xs ${
                          published
                            ? "bg-emerald-100 text-emerald-900 dark:bg-emerald-900/50 dark:text-emerald-100"
                            : "bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-100"
                        }`}
                      >
                        {published ? t("published") : t("scheduled")}
                      </span>
                      <time dateTime={item.publishedAt ?? item.publishAt} className="block text-xs text-zinc-500 dark:text-zinc-400">
                        {when(item.publishedAt ?? item.publishAt)}
                      </time>
                    </td>
                    <td className={num} data-testid="history-recipients" data-value={item.recipientCount}>
                      {format.number(item.recipientCount)}
                    </td>
                    <td className={num} data-testid="history-reads" data-value={item.readCount}>
                      {format.number(item.readCount)}
                    </td>
                    <td className={num} data-testid="history-rate">
                      {rate === null ? t("none") : format.number(rate, { style: "percent", maximumFractionDigits: 0 })}
                    </td>
                    <td className="px-2 py-2 text-right align-top">
                      <button
                        type="button"
                        className="btn-danger"
                        aria-label={t("withdrawLabel", { title: item.title })}
                        onClick={() => {
                          setDialogError(null);
                          setTarget(item);
                          setConfirming(true);
                        }}
                      >
                        {t("withdraw")}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor && (
        <button type="button" className="btn-secondary self-center" onClick={() => void loadMore()}>
          {t("loadMore")}
        </button>
      )}
      <ConfirmDialog
        open={confirming}
        title={t("confirmTitle", { title: target?.title ?? "" })}
        description={target?.publishedAt === null ? t("confirmScheduled") : t("confirmPublished")}
        confirmLabel={t("withdraw")}
        busy={busy}
        error={dialogError}
        onConfirm={() => void withdraw()}
        onCancel={() => setConfirming(false)}
        fallbackFocus={statusRef}
      />
    </div>
  );
}
