"use client";
import { useEffect, useId, useRef } from "react";
import { useTranslations } from "use-intl";

type Props = {
  open: boolean;
  title: string;
  description: string;
  confirmLabel: string;
  busy?: boolean;
  error?: string | null;
  onConfirm(): void;
  onCancel(): void;
  /** Where focus goes on close when the element that opened the dialog is gone (a removed row). */
  fallbackFocus?: React.RefObject<HTMLElement | null>;
};

/**
 * A modal confirmation on the native <dialog>: it traps focus, closes on Escape and makes the page
 * behind it inert. Focus starts on Cancel (the safe choice) and returns where it was on close.
 */
export function ConfirmDialog({ open, title, description, confirmLabel, busy, error, onConfirm, onCancel, fallbackFocus }: Props) {
  const t = useTranslations("admin");
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);
  const titleId = useId();
  const descId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open) {
      if (!dialog.open) {
        returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
        dialog.showModal();
        cancelRef.current?.focus();
      }
      return;
    }
    if (dialog.open) dialog.close();
    const target = returnTo.current;
    if (!target) return;
    returnTo.current = null;
    if (target.isConnected) target.focus();
    else fallbackFocus?.current?.focus();
  }, [open, fallbackFocus]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={descId}
      data-testid="confirm-dialog"
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onCancel();
      }}
      // The browser may close it anyway (Escape pressed twice without a click in between): follow.
      onClose={() => {
        if (open) onCancel();
      }}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl border border-zinc-200 bg-white p-5 text-zinc-900 shadow-xl backdrop:bg-black/50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <h2 id={titleId} className="text-lg font-semibold">
        {title}
      </h2>
      <p id={descId} className="mt-2 text-sm text-zinc-600 dark:text-zinc-300">
        {description}
      </p>
      {error && (
        <p role="alert" className="mt-3 rounded bg-rose-50 p-2 text-sm text-rose-800 dark:bg-rose-950 dark:text-rose-200">
          {error}
        </p>
      )}
      <div className="mt-5 flex justify-end gap-2">
        <button ref={cancelRef} type="button" className="btn-secondary px-3 py-2 text-sm" disabled={busy} onClick={onCancel}>
          {t("dialog.cancel")}
        </button>
        <button type="button" className="btn-danger px-3 py-2 text-sm" disabled={busy} onClick={onConfirm}>
          {busy ? t("dialog.working") : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
