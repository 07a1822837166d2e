"use client";
import { useEffect, useId, useRef, useSyncExternalStore } from "react";
import { useTranslations } from "use-intl";
import { SHORTCUTS_PREF_KEY } from "@/lib/client/shortcuts";

// Single-key shortcuts can get in the way of speech input (WCAG 2.1.4): the help dialog can turn them off.
const listeners = new Set<() => void>();

function readEnabled(): boolean {
  try {
    return window.localStorage.getItem(SHORTCUTS_PREF_KEY) !== "off";
  } catch {
    return true;
  }
}

function writeEnabled(on: boolean): void {
  try {
    window.localStorage.setItem(SHORTCUTS_PREF_KEY, on ? "on" : "off");
  } catch {
    // private mode: the choice lasts for this page only
  }
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (e: StorageEvent) => {
    if (e.key === SHORTCUTS_PREF_KEY || e.key === null) listener();
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

export function useShortcutsEnabled(): boolean {
  return useSyncExternalStore(subscribe, readEnabled, () => true);
}

function Keys({ keys }: { keys: string[] }) {
  const t = useTranslations("shortcuts");
  return (
    <span className="inline-flex items-center gap-1 whitespace-nowrap">
      {keys.map((k, i) => (
        <span key={k} className="inline-flex items-center gap-1">
          {i > 0 && <span className="text-xs text-zinc-500 dark:text-zinc-400">{t("or")}</span>}
          <kbd className="min-w-6 rounded border border-zinc-300 bg-zinc-50 px-1.5 py-0.5 text-center font-mono text-xs text-zinc-800 shadow-sm dark:border-zinc-600 dark:bg-zinc-800 dark:text-zinc-100">
            {k}
          </kbd>
        </span>
      ))}
    </span>
  );
}

/** The list of inbox shortcuts, and the switch that turns them off. A modal <dialog>. */
export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useTranslations("shortcuts");
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const enabled = useShortcutsEnabled();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  const rows: Array<[string[], string]> = [
    [["j", "↓"], t("next")],
    [["k", "↑"], t("previous")],
    [["m"], t("toggleRead")],
    [["x", "Delete"], t("delete")],
    [["?"], t("help")],
  ];

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      data-testid="shortcuts-dialog"
      onClose={onClose}
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose(); // a click on the backdrop
      }}
      className="m-auto w-[min(26rem,calc(100vw-2rem))] rounded-xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <div className="flex flex-col gap-4 p-5">
        <h2 id={titleId} className="text-lg font-semibold">
          {t("title")}
        </h2>
        <dl className="grid grid-cols-[auto_1fr] items-center gap-x-4 gap-y-2 text-sm">
          {rows.map(([keys, label]) => (
            <div key={label} className="contents">
              <dt>
                <Keys keys={keys} />
              </dt>
              <dd>{label}</dd>
            </div>
          ))}
        </dl>
        <p className="text-xs text-zinc-600 dark:text-zinc-400">{t("typing")}</p>
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            checked={enabled}
            onChange={(e) => writeEnabled(e.target.checked)}
            className="mt-0.5 h-4 w-4 accent-sky-600"
          />
          <span>
            {t("enable")}
            <span className="block text-xs text-zinc-600 dark:text-zinc-400">{t("enableHint")}</span>
          </span>
        </label>
        <div className="flex justify-end">
          <button type="button" className="btn-primary" onClick={onClose} autoFocus>
            {t("close")}
          </button>
        </div>
      </div>
    </dialog>
  );
}
