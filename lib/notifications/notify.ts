import "server-only";
import { hub } from "@/lib/realtime";
import { toDto, type NotificationDto, type NotificationKind } from "./dto";
import { notificationSelect } from "./queries";
import { insertInSeqOrder } from "./seq-order";

export type NotifyInput = {
  userIds: readonly string[];
  kind: NotificationKind;
  title: string;
  body: string;
  link?: string | null;
  announcementId?: string;
};

/**
 * The one entry point every producer uses (admin messages, backends, the seed): writes one row
 * per recipient in a single statement, then tells the hub. Returns rows in recipient order.
 */
export async function notify(input: NotifyInput): Promise<NotificationDto[]> {
  if (input.userIds.length === 0) return [];
  const rows = await insertInSeqOrder((w) =>
    w.notification.createManyAndReturn({
      data: input.userIds.map((userId) => ({
        userId,
        kind: input.kind,
        title: input.title,
        body: input.body,
        link: input.link ?? null,
        announcementId: input.announcementId ?? null,
      })),
      select: { ...notificationSelect, userId: true },
    }),
  );
  hub.publish(input.userIds);
  rows.sort((a, b) => a.seq - b.seq);
  return rows.map(toDto);
}
