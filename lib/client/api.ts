"use client";
// Typed calls to the notification endpoints. Every count returned updates the live store.
import type { NotificationDto } from "@/lib/notifications/dto";

export type Filter = "all" | "unread" | "announcements";
export type Page = { items: NotificationDto[]; nextCursor: string | null; unreadCount: number };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, {
    ...init,
    cache: "no-store",
    headers: init?.body ? { "Content-Type": "application/json" } : undefined,
  });
  if (res.status === 204) return undefined as T;
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? "error", err?.message ?? res.statusText);
  }
  return body as T;
}

export const api = {
  list: (filter: Filter, limit: number, cursor?: string | null) =>
    call<Page>(
      `/api/notifications?filter=${filter}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    ),
  setRead: (id: string, read: boolean) =>
    call<{ item: NotificationDto; unreadCount: number }>(`/api/notifications/${encodeURIComponent(id)}`, {
      method: "PATCH",
      body: JSON.stringify({ read }),
    }),
  remove: (id: string) => call<void>(`/api/notifications/${encodeURIComponent(id)}`, { method: "DELETE" }),
  readAll: () => call<{ unreadCount: number }>("/api/notifications/read-all", { method: "POST" }),
};
