import { redirect } from "next/navigation";
import { LanguageSwitcher } from "@/components/account-menu";
import { getPageUser } from "@/lib/auth/page-session";

export default async function AuthLayout({ children }: { children: React.ReactNode }) {
  if (await getPageUser()) redirect("/inbox");
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center gap-6 px-4 py-10">
      <div className="self-end">
        <LanguageSwitcher />
      </div>
      {children}
    </main>
  );
}
