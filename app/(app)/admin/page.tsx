import type { Metadata } from "next";
import { AdminDashboard } from "@/components/admin/admin-dashboard";
import { getTranslator } from "@/i18n/server";
import { requirePageAdmin } from "@/lib/auth/page-admin";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getTranslator();
  return { title: `${t("admin.title")} · ${t("app.name")}` };
}

/** Administrators only (role read from the database): others go to their inbox, anonymous visitors sign in. */
export default async function AdminPage() {
  await requirePageAdmin("/admin");
  const { t } = await getTranslator();
  return (
    <div className="flex flex-col gap-4">
      <div>
        <h1 className="text-2xl font-semibold">{t("admin.title")}</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-300">{t("admin.intro")}</p>
      </div>
      <AdminDashboard />
    </div>
  );
}
