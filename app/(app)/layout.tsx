import Link from "next/link";
import { LanguageSwitcher, SignOutButton } from "@/components/account-menu";
import { Bell } from "@/components/bell";
import { DesktopNotifier } from "@/components/desktop-notifications";
import { LiveProvider } from "@/components/live-provider";
import { LiveStatus } from "@/components/live-status";
import { NotificationToasts } from "@/components/notification-toasts";
import { hasAdminRole } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/auth/page-session";
import { env } from "@/lib/env";
import { getTranslator } from "@/i18n/server";

/** Every signed-in page: the header with the live bell. */
export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await requirePageUser("/inbox");
  const [{ t }, isAdmin] = await Promise.all([getTranslator(), hasAdminRole(user.id)]);
  return (
    <LiveProvider key={user.id} userId={user.id} defaultTransport={env.LIVE_DEFAULT_TRANSPORT}>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:p-2">
        {t("app.skip")}
      </a>
      <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        <div className="mx-auto flex max-w-4xl items-center gap-3 px-4 py-2">
          <Link href="/inbox" className="font-semibold">
            {t("app.name")}
          </Link>
          <nav aria-label="Main" className="flex gap-3 text-sm">
            <Link href="/inbox" className="hover:underline">
              {t("nav.inbox")}
            </Link>
            <Link href="/lab" className="hover:underline">
              {t("nav.lab")}
            </Link>
            {isAdmin && (
              <Link href="/admin" className="hover:underline">
                {t("nav.admin")}
              </Link>
            )}
          </nav>
          <div className="ml-auto flex items-center gap-3">
            <LiveStatus />
            <LanguageSwitcher />
            <span className="hidden text-sm text-zinc-500 md:inline" title={t("nav.signedInAs", { name: user.name })}>
              {user.name}
            </span>
            <Bell />
            <SignOutButton />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-4xl px-4 py-6">
        {children}
      </main>
      <NotificationToasts />
      <DesktopNotifier />
    </LiveProvider>
  );
}
