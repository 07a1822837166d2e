import type { Metadata } from "next";
import { TransportLab } from "@/components/lab/transport-lab";
import { getTranslator } from "@/i18n/server";

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getTranslator();
  return { title: `${t("lab.title")} · ${t("app.name")}` };
}

/** The four live transports side by side, with real numbers (issue 3, item 6). */
export default async function LabPage() {
  const { t } = await getTranslator();
  return (
    <div className="flex flex-col gap-4">
      <div>
        <h1 className="text-xl font-semibold">{t("lab.title")}</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-300">{t("lab.intro")}</p>
      </div>
      <TransportLab />
    </div>
  );
}
