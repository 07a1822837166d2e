"use client";
import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { useTranslations } from "use-intl";

/** Only same-site paths: never an open redirect. */
function safeCallback(raw: string | null): string {
  return raw && raw.startsWith("/") && !raw.startsWith("//") && !raw.startsWith("/\\") ? raw : "/inbox";
}

function Field(props: { name: string; label: string; type: string; autoComplete: string; error?: string; hint?: string }) {
  const describedBy = props.error ? `${props.name}-error` : props.hint ? `${props.name}-hint` : undefined;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={props.name} className="text-sm font-medium">
        {props.label}
      </label>
      <input
        id={props.name}
        name={props.name}
        type={props.type}
        autoComplete={props.autoComplete}
        required
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy}
        className="input"
      />
      {props.error ? (
        <p id={`${props.name}-error`} className="text-sm text-rose-700 dark:text-rose-300">
          {props.error}
        </p>
      ) : props.hint ? (
        <p id={`${props.name}-hint`} className="text-xs text-zinc-500">
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p role="alert" data-testid="form-error" className="rounded bg-rose-50 p-2 text-sm text-rose-800 dark:bg-rose-950 dark:text-rose-200">
      {message}
    </p>
  );
}

async function signInWith(email: string, password: string): Promise<"ok" | "invalid" | "rate_limited"> {
  const res = await signIn("credentials", { email, password, redirect: false });
  if (res?.ok && !res.error) return "ok";
  return res?.error === "rate_limited" ? "rate_limited" : "invalid";
}

export function LoginForm() {
  const t = useTranslations("auth");
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const result = await signInWith(String(form.get("email") ?? ""), String(form.get("password") ?? ""));
      if (result === "ok") {
        router.replace(safeCallback(params.get("callbackUrl")));
        router.refresh();
        return;
      }
      setError(result === "rate_limited" ? t("rateLimited") : t("invalid"));
    } catch {
      setError(t("failed"));
    }
    setBusy(false);
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)} className="flex flex-col gap-4" noValidate>
      <h1 className="text-2xl font-semibold">{t("loginTitle")}</h1>
      <FormError message={error} />
      <Field name="email" label={t("email")} type="email" autoComplete="email" />
      <Field name="password" label={t("password")} type="password" autoComplete="current-password" />
      <button type="submit" className="btn-primary" disabled={busy}>
        {busy ? t("working") : t("submitLogin")}
      </button>
      <p className="text-sm">
        {t("noAccount")}{" "}
        <Link href="/signup" className="text-sky-700 underline dark:text-sky-300">
          {t("signupLink")}
        </Link>
      </p>
      <p className="text-xs text-zinc-500">{t("demoHint")}</p>
    </form>
  );
}

export function SignupForm() {
  const t = useTranslations("auth");
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const input = {
      name: String(form.get("name") ?? ""),
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
    };
    setBusy(true);
    setError(null);
    setFields({});
    try {
      const res = await fetch("/api/signup", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(input),
      });
      if (res.status === 201) {
        if ((await signInWith(input.email, input.password)) === "ok") {
          router.replace("/inbox");
          router.refresh();
          return;
        }
        router.replace("/login");
        return;
      }
      const body = (await res.json().catch(() => null)) as { error?: { code?: string; fields?: Record<string, string> } } | null;
      if (res.status === 409) setFields({ email: t("emailTaken") });
      else if (res.status === 429) setError(t("rateLimited"));
      else if (body?.error?.fields) setFields(body.error.fields);
      else setError(t("failed"));
    } catch {
      setError(t("failed"));
    }
    setBusy(false);
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)} className="flex flex-col gap-4" noValidate>
      <h1 className="text-2xl font-semibold">{t("signupTitle")}</h1>
      <FormError message={error} />
      <Field name="name" label={t("name")} type="text" autoComplete="name" error={fields.name} />
      <Field name="email" label={t("email")} type="email" autoComplete="email" error={fields.email} />
      <Field
        name="password"
        label={t("password")}
        type="password"
        autoComplete="new-password"
        error={fields.password}
        hint={t("passwordHint")}
      />
      <button type="submit" className="btn-primary" disabled={busy}>
        {busy ? t("working") : t("submitSignup")}
      </button>
      <p className="text-sm">
        {t("haveAccount")}{" "}
        <Link href="/login" className="text-sky-700 underline dark:text-sky-300">
          {t("loginLink")}
        </Link>
      </p>
    </form>
  );
}
