import type { Metadata } from "next";
import { Providers } from "@/components/providers";
import { getTranslator } from "@/i18n/server";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getTranslator();
  return { title: t("app.name") };
}

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const { locale, messages } = await getTranslator();
  return (
    <html lang={locale}>
      <body className="min-h-screen bg-zinc-50 text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <Providers locale={locale} messages={messages}>
          {children}
        </Providers>
      </body>
    </html>
  );
}
