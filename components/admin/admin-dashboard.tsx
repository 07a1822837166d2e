"use client";
import { useState } from "react";
import { useTranslations } from "use-intl";
import { ApiKeysPanel } from "./api-keys-panel";
import { ComposeForm } from "./compose-form";
import { History } from "./history";
import { LiveFigures } from "./live-figures";

function Section({ id, title, intro, children }: { id: string; title: string; intro?: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id} className="flex flex-col gap-3 rounded-xl border border-zinc-200 bg-zinc-50/50 p-4 dark:border-zinc-800 dark:bg-zinc-900/40">
      <div>
        <h2 id={id} className="text-lg font-semibold">
          {title}
        </h2>
        {intro && <p className="mt-0.5 text-sm text-zinc-600 dark:text-zinc-300">{intro}</p>}
      </div>
      {children}
    </section>
  );
}

/** /admin: compose, history, live connection figures, API keys. */
export function AdminDashboard() {
  const t = useTranslations("admin");
  // Bumped after a send, so the history shows it at once instead of at its next poll.
  const [historyVersion, setHistoryVersion] = useState(0);
  return (
    <div className="flex flex-col gap-6">
      <Section id="admin-compose" title={t("compose.heading")} intro={t("compose.intro")}>
        <ComposeForm onSent={() => setHistoryVersion((v) => v + 1)} />
      </Section>
      <Section id="admin-history" title={t("history.heading")}>
        <History version={historyVersion} />
      </Section>
      <Section id="admin-live" title={t("live.heading")}>
        <LiveFigures />
      </Section>
      <Section id="admin-keys" title={t("keys.heading")} intro={t("keys.intro")}>
        <ApiKeysPanel />
      </Section>
    </div>
  );
}
