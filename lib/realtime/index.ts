import "server-only";
import { db } from "@/lib/db/client";
import { countUnread, latestSeq, rowsAfter } from "@/lib/notifications/queries";
import { onShutdown } from "@/lib/server/lifecycle";
import { processSingleton } from "@/lib/server/singleton";
import { createHub, type Hub, type InboxSource } from "./hub";

const dbSource: InboxSource = {
  countUnread,
  rowsAfter,
  latestSeq,
  async maxSeq() {
    const agg = await db.notification.aggregate({ _max: { seq: true } });
    return agg._max.seq ?? 0;
  },
};

/** The process's hub, shared by every route bundle and server.ts. */
export const hub: Hub = processSingleton("hub", () => {
  const h = createHub(dbSource);
  onShutdown(() => h.closeAll());
  return h;
});
