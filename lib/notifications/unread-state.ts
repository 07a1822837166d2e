import "server-only";
import { encodeCursor } from "./cursor";
import { countUnread, latestSeq } from "./queries";

/** The short-polling state: the count and the newest cursor, with an ETag over both. */
export async function unreadState(userId: string): Promise<{ unreadCount: number; cursor: string; etag: string }> {
  const [unreadCount, seq] = await Promise.all([countUnread(userId), latestSeq(userId)]);
  const cursor = encodeCursor(seq);
  return { unreadCount, cursor, etag: `W/"${unreadCount}-${cursor}"` };
}
