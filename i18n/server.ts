import "server-only";
import { cookies, headers } from "next/headers";
import { createTranslator } from "use-intl/core";
import { LOCALE_COOKIE, MESSAGES, pickLocale, type Locale, type Messages } from "./config";

export async function getLocale(): Promise<Locale> {
  const [c, h] = await Promise.all([cookies(), headers()]);
  return pickLocale(c.get(LOCALE_COOKIE)?.value, h.get("accept-language"));
}

/** Translations for server components and metadata. */
export async function getTranslator() {
  const locale = await getLocale();
  const messages: Messages = MESSAGES[locale];
  return { locale, messages, t: createTranslator({ locale, messages }) };
}
