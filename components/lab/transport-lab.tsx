"use client";
import { useRef, useState } from "react";
import { useFormatter, useTranslations } from "use-intl";
import { z } from "zod";
import { beginOwnAction } from "@/lib/client/own-actions";
import { TRANSPORTS } from "@/lib/client/transports";
import type { LabTest } from "./delivery";
import { RestrictedPanel } from "./restricted-panel";
import { TransportPanel } from "./transport-panel";

/** Short polling in the lab: long enough to see the delay, short enough to wait for. */
export const LAB_POLL_INTERVAL_MS = 5000;

const sentSchema = z.object({ id: z.string(), sentAt: z.string() });

type SendState = { kind: "idle" } | { kind: "sending" } | { kind: "sent"; at: Date } | { kind: "failed" } | { kind: "limited"; seconds: number };

/** The four transports side by side, each on its own connection, plus the restricted network. */
export function TransportLab() {
  const t = useTranslations("lab");
  const format = useFormatter();
  const [test, setTest] = useState<LabTest | null>(null);
  const [send, setSend] = useState<SendState>({ kind: "idle" });
  const nextKey = useRef(1);

  async function sendTest(): Promise<void> {
    const key = nextKey.current++;
    const clickedAt = performance.now();
    setTest({ key, clickedAt, id: null, failed: false });
    setSend({ kind: "sending" });
    const fail = (state: SendState) => {
      setTest((cur) => (cur?.key === key ? { ...cur, failed: true } : cur));
      setSend(state);
    };
    // The user's own test: no toast for it in this tab.
    const own = beginOwnAction();
    try {
      const res = await fetch("/api/lab/test-notification", { method: "POST", cache: "no-store" });
      if (res.status === 429) return fail({ kind: "limited", seconds: Number(res.headers.get("retry-after")) || 60 });
      if (res.status !== 201) return fail({ kind: "failed" });
      const sent = sentSchema.parse(await res.json());
      own.end(sent.id);
      setTest((cur) => (cur?.key === key ? { ...cur, id: sent.id } : cur));
      setSend({ kind: "sent", at: new Date(sent.sentAt) });
    } catch {
      fail({ kind: "failed" });
    } finally {
      own.end(null);
    }
  }

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center gap-3">
        <button type="button" data-testid="lab-send" className="btn-primary" disabled={send.kind === "sending"} onClick={() => void sendTest()}>
          {send.kind === "sending" ? t("sending") : t("send")}
        </button>
        <p role="status" data-testid="lab-send-status" className="text-sm text-zinc-600 dark:text-zinc-300">
          {send.kind === "sent" && t("sentAt", { time: format.dateTime(send.at, { hour: "2-digit", minute: "2-digit", second: "2-digit" }) })}
          {send.kind === "failed" && <span className="text-rose-700 dark:text-rose-400">{t("sendFailed")}</span>}
          {send.kind === "limited" && (
            <span className="text-rose-700 dark:text-rose-400">{t("rateLimited", { seconds: format.number(send.seconds) })}</span>
          )}
        </p>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        {TRANSPORTS.map((transport) => (
          <TransportPanel key={transport} transport={transport} test={test} pollIntervalMs={LAB_POLL_INTERVAL_MS} />
        ))}
      </div>
      <RestrictedPanel test={test} pollIntervalMs={LAB_POLL_INTERVAL_MS} />
    </div>
  );
}
