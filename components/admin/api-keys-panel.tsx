"use client";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { useFormatter, useTranslations } from "use-intl";
import { AdminApiError, adminApi, type ApiKey, type CreatedKey } from "@/lib/client/admin-api";
import { ConfirmDialog } from "./confirm-dialog";

type Copy = "idle" | "copied" | "failed";

/**
 * Backends' API keys: the list (never the keys themselves), creation with the key shown this once,
 * and revocation after a confirmation.
 */
export function ApiKeysPanel() {
  const t = useTranslations("admin.keys");
  const format = useFormatter();
  const ids = useId();
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [loadError, setLoadError] = useState(false);
  const [name, setName] = useState("");
  const [nameError, setNameError] = useState(false);
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState(false);
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [copy, setCopy] = useState<Copy>("idle");
  const [target, setTarget] = useState<ApiKey | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const keyRef = useRef<HTMLInputElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const statusRef = useRef<HTMLParagraphElement>(null);

  const load = useCallback(async () => {
    try {
      setKeys(await adminApi.keys());
      setLoadError(false);
    } catch {
      setLoadError(true);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (created) keyRef.current?.focus();
  }, [created]);

  async function create(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (creating) return;
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 100) {
      setNameError(true);
      nameRef.current?.focus();
      return;
    }
    setNameError(false);
    setCreateError(false);
    setCreating(true);
    try {
      const key = await adminApi.createKey(trimmed);
      setCreated(key);
      setCopy("idle");
      setNotice(null);
      setName("");
      await load();
    } catch (err) {
      if (err instanceof AdminApiError && err.status === 422) {
        setNameError(true);
        nameRef.current?.focus();
      } else setCreateError(true);
    } finally {
      setCreating(false);
    }
  }

  async function copyKey() {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.key);
      setCopy("copied");
    } catch {
      keyRef.current?.select();
      setCopy("failed");
    }
  }

  async function revoke() {
    if (!target || busy) return;
    setBusy(true);
    setDialogError(null);
    try {
      await adminApi.revokeKey(target.id);
    } catch {
      setBusy(false);
      setDialogError(t("revokeFailed"));
      return;
    }
    setNotice(t("revoked", { name: target.name }));
    setBusy(false);
    setConfirming(false);
    await load();
  }

  const date = (iso: string) => format.dateTime(new Date(iso), { dateStyle: "medium", timeStyle: "short" });
  const th = "px-2 py-2 text-left font-medium text-zinc-600 dark:text-zinc-400";

  return (
    <div className="flex flex-col gap-4">
      <form noValidate onSubmit={(e) => void create(e)} className="flex flex-wrap items-end gap-2">
        <div className="flex min-w-56 flex-1 flex-col gap-1">
          <label htmlFor={`${ids}-name`} className="text-sm font-medium">
            {t("name")}
          </label>
          <input
            ref={nameRef}
            id={`${ids}-name`}
            type="text"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder={t("namePlaceholder")}
            aria-invalid={nameError || undefined}
            aria-describedby={nameError ? `${ids}-name-error` : undefined}
            className="input"
          />
        </div>
        <button type="submit" className="btn-primary" disabled={creating}>
          {creating ? t("creating") : t("create")}
        </button>
        {nameError && (
          <p id={`${ids}-name-error`} className="w-full text-sm text-rose-700 dark:text-rose-400">
            {t("nameError")}
          </p>
        )}
        {createError && (
          <p role="alert" className="w-full text-sm text-rose-700 dark:text-rose-400">
            {t("createFailed")}
          </p>
        )}
      </form>

      {created && (
        <section
          aria-labelledby={`${ids}-new`}
          data-testid="new-key"
          className="flex flex-col gap-2 rounded-lg border border-amber-300 bg-amber-50 p-3 dark:border-amber-700 dark:bg-amber-950/40"
        >
          <h3 id={`${ids}-new`} className="text-sm font-semibold text-amber-900 dark:text-amber-100">
            {t("newTitle", { name: created.name })}
          </h3>
          <p id={`${ids}-warning`} className="text-sm text-amber-900 dark:text-amber-100">
            {t("warning")}
          </p>
          <div className="flex flex-wrap items-center gap-2">
            <label htmlFor={`${ids}-key`} className="sr-only">
              {t("keyLabel", { name: created.name })}
            </label>
            <input
              ref={keyRef}
              id={`${ids}-key`}
              data-testid="new-key-value"
              readOnly
              value={created.key}
              aria-describedby={`${ids}-warning`}
              onFocus={(e) => e.currentTarget.select()}
              className="input min-w-0 flex-1 font-mono text-xs"
            />
            <button type="button" className="btn-secondary px-3 py-2 text-sm" onClick={() => void copyKey()}>
              {t("copy")}
            </button>
            <button
              type="button"
              className="btn-secondary px-3 py-2 text-sm"
              onClick={() => {
                setCreated(null);
                nameRef.current?.focus();
              }}
            >
              {t("done")}
            </button>
          </div>
          <p role="status" className="text-xs text-amber-900 dark:text-amber-100">
            {copy === "copied" ? t("copied") : copy === "failed" ? t("copyFailed") : ""}
          </p>
        </section>
      )}

      <p ref={statusRef} tabIndex={-1} role="status" data-testid="keys-status" className="text-sm empty:hidden focus:outline-none">
        {notice}
      </p>
      {loadError && (
        <p role="alert" className="rounded bg-rose-50 p-2 text-sm text-rose-800 dark:bg-rose-950 dark:text-rose-200">
          {t("loadError")}{" "}
          <button type="button" className="underline" onClick={() => void load()}>
            {t("retry")}
          </button>
        </p>
      )}
      {keys !== null &&
        (keys.length === 0 ? (
          <p className="py-4 text-center text-sm text-zinc-500 dark:text-zinc-400">{t("empty")}</p>
        ) : (
          <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
            <table className="w-full min-w-[36rem] border-collapse bg-white text-sm dark:bg-zinc-900" data-testid="api-keys">
              <caption className="sr-only">{t("caption")}</caption>
              <thead className="border-b border-zinc-200 dark:border-zinc-800">
                <tr>
                  <th scope="col" className={th}>
                    {t("columns.name")}
                  </th>
                  <th scope="col" className={th}>
                    {t("columns.prefix")}
                  </th>
                  <th scope="col" className={th}>
                    {t("columns.created")}
                  </th>
                  <th scope="col" className={th}>
                    {t("columns.lastUsed")}
                  </th>
                  <th scope="col" className={th}>
                    {t("columns.status")}
                  </th>
                  <th scope="col" className={th}>
                    <span className="sr-only">{t("columns.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
                  <tr key={k.id} data-testid="api-key-row" data-id={k.id} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
                    <th scope="row" className="max-w-48 px-2 py-2 text-left font-medium break-words">
                      {k.name}
                    </th>
                    <td className="px-2 py-2 font-mono text-xs">{t("prefixValue", { prefix: k.prefix })}</td>
                    <td className="px-2 py-2">
                      <time dateTime={k.createdAt}>{date(k.createdAt)}</time>
                    </td>
                    <td className="px-2 py-2">{k.lastUsedAt ? <time dateTime={k.lastUsedAt}>{date(k.lastUsedAt)}</time> : t("never")}</td>
                    <td className="px-2 py-2" data-testid="api-key-status" data-state={k.revokedAt ? "revoked" : "active"}>
                      {k.revokedAt ? (
                        <span className="text-rose-700 dark:text-rose-400">{t("revokedAt", { time: date(k.revokedAt) })}</span>
                      ) : (
                        <span className="text-emerald-700 dark:text-emerald-400">{t("active")}</span>
                      )}
                    </td>
                    <td className="px-2 py-2 text-right">
                      {!k.revokedAt && (
                        <button
                          type="button"
                          className="btn-danger"
                          aria-label={t("revokeLabel", { name: k.name })}
                          onClick={() => {
                            setDialogError(null);
                            setTarget(k);
                            setConfirming(true);
                          }}
                        >
                          {t("revoke")}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      <ConfirmDialog
        open={confirming}
        title={t("confirmTitle", { name: target?.name ?? "" })}
        description={t("confirmBody")}
        confirmLabel={t("revoke")}
        busy={busy}
        error={dialogError}
        onConfirm={() => void revoke()}
        onCancel={() => setConfirming(false)}
        fallbackFocus={statusRef}
      />
    </div>
  );
}
