"use client";
import { useId, useState } from "react";
import { useFormatter, useTranslations } from "use-intl";
import { Markdown } from "@/components/markdown";
import { createAnnouncementSchema } from "@/lib/announcements/schemas";
import { AdminApiError, adminApi, type Audience, type CreatedAnnouncement, type NewAnnouncement } from "@/lib/client/admin-api";
import { localInputToIso, toLocalInputValue } from "@/lib/client/schedule";
import { fieldsFromZod } from "@/lib/http/errors";
import { type ComposeError, type ComposeErrors, type ComposeField, composeErrors } from "./field-errors";
import { LOOKS_LIKE_EMAIL, RecipientPicker } from "./recipient-picker";

type AudienceType = Audience["type"];
type Role = "user" | "admin";
type Status =
  | { kind: "idle" }
  | { kind: "sending" }
  | { kind: "sent"; created: CreatedAnnouncement; scheduled: boolean }
  | { kind: "invalid" }
  | { kind: "failed"; forbidden: boolean };

const NO_ERRORS: ComposeErrors = { byField: {}, unplaced: [] };
const FOCUS_ORDER: ComposeField[] = ["title", "body", "link", "recipients", "publishAt"];

/** A scheduled time defaults to the next full hour. */
function nextHour(): string {
  const d = new Date();
  d.setHours(d.getHours() + 1, 0, 0, 0);
  return toLocalInputValue(d);
}

/** Compose an announcement with a live preview, choose its audience, send it now or schedule it. */
export function ComposeForm({ onSent }: { onSent(created: CreatedAnnouncement): void }) {
  const t = useTranslations("admin.compose");
  const format = useFormatter();
  const ids = useId();
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [link, setLink] = useState("");
  const [audienceType, setAudienceType] = useState<AudienceType>("all");
  const [role, setRole] = useState<Role>("user");
  const [emails, setEmails] = useState<string[]>([]);
  const [pending, setPending] = useState("");
  const [when, setWhen] = useState<"now" | "later">("now");
  const [at, setAt] = useState("");
  const [zone, setZone] = useState("");
  const [errors, setErrors] = useState<ComposeErrors>(NO_ERRORS);
  const [status, setStatus] = useState<Status>({ kind: "idle" });

  const id = (f: ComposeField) => `${ids}-${f}`;
  const errorId = (f: ComposeField) => `${ids}-${f}-error`;
  const fieldProps = (f: ComposeField, hint?: string) => ({
    id: id(f),
    "aria-invalid": errors.byField[f] ? true : undefined,
    "aria-describedby": [hint, errors.byField[f] ? errorId(f) : undefined].filter(Boolean).join(" ") || undefined,
  });

  function message(e: ComposeError): string {
    switch (e.message) {
      case "unknown":
        return t("errors.unknown", { emails: e.emails });
      case "invalidEmail":
        return t("errors.invalidEmail", { email: e.email });
      default:
        return t(`errors.${e.message}`);
    }
  }

  const fieldError = (f: ComposeField) => {
    const e = errors.byField[f];
    return e ? (
      <p id={errorId(f)} data-testid={`error-${f}`} className="text-sm text-rose-700 dark:text-rose-400">
        {message(e)}
      </p>
    ) : null;
  };

  function chooseLater() {
    setWhen("later");
    if (!at) setAt(nextHour());
    setZone(Intl.DateTimeFormat().resolvedOptions().timeZone);
  }

  /** Shows errors and moves focus to the first field that has one. */
  function showErrors(mapped: ComposeErrors) {
    setErrors(mapped);
    setStatus({ kind: "invalid" });
    const first = FOCUS_ORDER.find((f) => mapped.byField[f]);
    if (first) requestAnimationFrame(() => document.getElementById(id(first))?.focus());
  }

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (status.kind === "sending") return;
    const typed = pending.trim().toLowerCase();
    const recipients = audienceType === "users" && LOOKS_LIKE_EMAIL.test(typed) && !emails.includes(typed) ? [...emails, typed] : emails;
    if (recipients !== emails) {
      setEmails(recipients);
      setPending("");
    }
    const audience: Audience =
      audienceType === "all" ? { type: "all" } : audienceType === "role" ? { type: "role", role } : { type: "users", emails: recipients };
    const input: NewAnnouncement = { title, body, audience, ...(link.trim() ? { link: link.trim() } : {}) };

    // The server's own schema first, so the same rules give the same fields without a round trip.
    const found: Record<string, string> = {};
    const parsed = createAnnouncementSchema.safeParse(input);
    if (!parsed.success) Object.assign(found, fieldsFromZod(parsed.error));
    let scheduleError: "publishAt" | "past" | null = null;
    if (when === "later") {
      const iso = localInputToIso(at);
      if (!iso) scheduleError = "publishAt";
      else if (new Date(iso).getTime() <= Date.now()) scheduleError = "past";
      else input.publishAt = iso;
    }
    if (Object.keys(found).length || scheduleError) {
      const mapped = composeErrors(found, recipients);
      if (scheduleError) mapped.byField.publishAt = { field: "publishAt", message: scheduleError };
      showErrors(mapped);
      return;
    }

    setErrors(NO_ERRORS);
    setStatus({ kind: "sending" });
    try {
      const created = await adminApi.send(input);
      setStatus({ kind: "sent", created, scheduled: when === "later" });
      setTitle("");
      setBody("");
      setLink("");
      setEmails([]);
      setPending("");
      setWhen("now");
      setAt("");
      onSent(created);
    } catch (err) {
      if (err instanceof AdminApiError && err.status === 422) {
        showErrors(composeErrors(err.fields, recipients));
      } else {
        setStatus({ kind: "failed", forbidden: err instanceof AdminApiError && (err.status === 401 || err.status === 403) });
      }
    }
  }

  const radio = "h-4 w-4 accent-sky-600";
  const label = "text-sm font-medium";
  const hint = "text-xs text-zinc-500 dark:text-zinc-400";

  return (
    <form noValidate onSubmit={(e) => void submit(e)} className="flex flex-col gap-4">
      <div className="flex flex-col gap-1">
        <label htmlFor={id("title")} className={label}>
          {t("title")}
        </label>
        <input {...fieldProps("title")} type="text" value={title} onChange={(e) => setTitle(e.target.value)} className="input" />
        {fieldError("title")}
      </div>

      <div className="grid gap-4 md:grid-cols-2">
        <div className="flex flex-col gap-1">
          <label htmlFor={id("body")} className={label}>
            {t("body")}
          </label>
          <textarea
            {...fieldProps("body", `${ids}-body-hint`)}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            rows={9}
            className="input font-mono"
          />
          <p id={`${ids}-body-hint`} className={hint}>
            {t("bodyHint")}
          </p>
          {fieldError("body")}
        </div>
        <section aria-labelledby={`${ids}-preview`} className="flex flex-col gap-1">
          <h3 id={`${ids}-preview`} className={label}>
            {t("preview")}
          </h3>
          <div
            data-testid="compose-preview"
            className="min-h-40 flex-1 rounded-md border border-dashed border-zinc-300 bg-white p-3 text-sm text-zinc-700 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300"
          >
            {title.trim() && <p className="mb-1 font-semibold text-zinc-900 dark:text-zinc-100">{title}</p>}
            {body.trim() ? <Markdown source={body} /> : <p className="text-zinc-400 dark:text-zinc-500">{t("previewEmpty")}</p>}
          </div>
        </section>
      </div>

      <div className="flex flex-col gap-1">
        <label htmlFor={id("link")} className={label}>
          {t("link")}
        </label>
        <input
          {...fieldProps("link", `${ids}-link-hint`)}
          type="text"
          inputMode="url"
          value={link}
          onChange={(e) => setLink(e.target.value)}
          placeholder="/inbox"
          className="input"
        />
        <p id={`${ids}-link-hint`} className={hint}>
          {t("linkHint")}
        </p>
        {fieldError("link")}
      </div>

      <fieldset className="flex flex-col gap-2" aria-describedby={errors.byField.audience ? errorId("audience") : undefined}>
        <legend className={`${label} mb-1`}>{t("audience")}</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name={`${ids}-audience`} className={radio} checked={audienceType === "all"} onChange={() => setAudienceType("all")} />
          {t("everyone")}
        </label>
        <div className="flex flex-wrap items-center gap-2">
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" name={`${ids}-audience`} className={radio} checked={audienceType === "role"} onChange={() => setAudienceType("role")} />
            {t("role")}
          </label>
          {audienceType === "role" && (
            <>
              <label htmlFor={id("audience")} className="sr-only">
                {t("roleLabel")}
              </label>
              <select
                id={id("audience")}
                value={role}
                onChange={(e) => setRole(e.target.value === "admin" ? "admin" : "user")}
                className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
              >
                <option value="user">{t("roles.user")}</option>
                <option value="admin">{t("roles.admin")}</option>
              </select>
            </>
          )}
        </div>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name={`${ids}-audience`} className={radio} checked={audienceType === "users"} onChange={() => setAudienceType("users")} />
          {t("users")}
        </label>
        {audienceType === "users" && (
          <div className="flex flex-col gap-1 pl-6">
            <label htmlFor={id("recipients")} className={label}>
              {t("recipients")}
            </label>
            <RecipientPicker
              id={id("recipients")}
              emails={emails}
              onChange={setEmails}
              text={pending}
              onTextChange={setPending}
              invalid={Boolean(errors.byField.recipients)}
              describedBy={errors.byField.recipients ? errorId("recipients") : ""}
            />
            {fieldError("recipients")}
          </div>
        )}
        {fieldError("audience")}
      </fieldset>

      <fieldset className="flex flex-col gap-2">
        <legend className={`${label} mb-1`}>{t("when")}</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name={`${ids}-when`} className={radio} checked={when === "now"} onChange={() => setWhen("now")} />
          {t("now")}
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name={`${ids}-when`} className={radio} checked={when === "later"} onChange={chooseLater} />
          {t("later")}
        </label>
        {when === "later" && (
          <div className="flex flex-col gap-1 pl-6">
            <label htmlFor={id("publishAt")} className={label}>
              {t("publishAt")}
            </label>
            <input
              {...fieldProps("publishAt", `${ids}-zone`)}
              type="datetime-local"
              step={1}
              value={at}
              min={toLocalInputValue(new Date())}
              onChange={(e) => setAt(e.target.value)}
              className="input w-auto self-start"
            />
            <p id={`${ids}-zone`} className={hint}>
              {t("zone", { zone })}
            </p>
            {fieldError("publishAt")}
          </div>
        )}
      </fieldset>

      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className="btn-primary" disabled={status.kind === "sending"}>
          {status.kind === "sending" ? t("sending") : when === "later" ? t("submitLater") : t("submitNow")}
        </button>
        <p id={`${ids}-status`} role="status" data-testid="compose-status" className="text-sm">
          {status.kind === "sent" &&
            (status.scheduled ? (
              <span className="text-emerald-700 dark:text-emerald-400">
                {t("scheduled", {
                  time: format.dateTime(new Date(status.created.publishAt), { dateStyle: "medium", timeStyle: "medium" }),
                  count: status.created.recipientCount,
                })}
              </span>
            ) : (
              <span className="text-emerald-700 dark:text-emerald-400">{t("sent", { count: status.created.recipientCount })}</span>
            ))}
          {status.kind === "invalid" && <span className="text-rose-700 dark:text-rose-400">{t("invalid")}</span>}
          {status.kind === "failed" && <span className="text-rose-700 dark:text-rose-400">{status.forbidden ? t("forbidden") : t("failed")}</span>}
        </p>
      </div>
    </form>
  );
}
