import Link from "next/link";
import { getTranslator } from "@/i18n/server";

export default async function NotFound() {
  const { t } = await getTranslator();
  return (
    <main className="mx-auto max-w-md px-4 py-20 text-center">
      <h1 className="text-2xl font-semibold">{t("errors.notFoundTitle")}</h1>
      <p className="mt-2 text-zinc-600 dark:text-zinc-400">{t("errors.notFoundBody")}</p>
      <Link href="/inbox" className="mt-6 inline-block text-sky-700 underline dark:text-sky-300">
        {t("errors.home")}
      </Link>
    </main>
  );
}
