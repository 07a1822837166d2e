"use client";
import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "use-intl";
import { LOCALE_COOKIE, LOCALES, type Locale } from "@/i18n/config";

export function LanguageSwitcher() {
  const t = useTranslations();
  const locale = useLocale();
  const router = useRouter();
  return (
    <label className="flex items-center gap-1 text-sm">
      <span className="sr-only">{t("nav.language")}</span>
      <select
        value={locale}
        onChange={(e) => {
          const next = e.target.value as Locale;
          document.cookie = `${LOCALE_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
          router.refresh();
        }}
        className="rounded border border-zinc-300 bg-transparent px-1 py-0.5 dark:border-zinc-700"
      >
        {LOCALES.map((l) => (
          <option key={l} value={l}>
            {t(`locale.${l}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

export function SignOutButton() {
  const t = useTranslations("nav");
  return (
    <button type="button" className="btn-secondary" onClick={() => void signOut({ callbackUrl: "/login" })}>
      {t("signOut")}
    </button>
  );
}
