import type { Metadata } from "next";
import { InboxView } from "@/components/inbox-view";
import { getTranslator } from "@/i18n/server";

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getTranslator();
  return { title: `${t("inbox.title")} · ${t("app.name")}` };
}

export default function InboxPage() {
  return <InboxView />;
}
