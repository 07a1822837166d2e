// The contract's Notification shape, and the row → shape mapping. Safe for client imports (types only).
export type NotificationKind = "message" | "announcement";

export type NotificationDto = {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
};

export type NotificationRow = {
  seq: number;
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: Date;
  readAt: Date | null;
};

export function toDto(row: NotificationRow): NotificationDto {
  return {
    id: row.id,
    kind: row.kind === "announcement" ? "announcement" : "message",
    title: row.title,
    body: row.body,
    link: row.link,
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt ? row.readAt.toISOString() : null,
  };
}

/** The live payload, identical in every transport. */
export type UnreadEvent = { unreadCount: number; cursor: string; notification?: NotificationDto };
