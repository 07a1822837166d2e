// The toasts a tab shows for arriving notifications: at most three, newest last; a burst (see
// burst.ts) shows as one "N new notifications" toast. Pure: the component owns the timers.
import type { NotificationDto } from "@/lib/notifications/dto";
import type { BurstVerdict } from "./burst";

export const TOAST_LIMIT = 3;
export const TOAST_TIMEOUT_MS = 6000;

export type Toast =
  | { key: string; kind: "single"; notification: NotificationDto; shownAt: number }
  | { key: string; kind: "summary"; count: number; shownAt: number };

export type ToastState = {
  toasts: Toast[];
  /** The summary toast of the burst in progress, if any. */
  summaryKey: string | null;
  serial: number;
};

export type ToastAction =
  | { type: "arrive"; notification: NotificationDto; verdict: BurstVerdict<string>; now: number }
  | { type: "dismiss"; key: string };

export const initialToastState: ToastState = { toasts: [], summaryKey: null, serial: 0 };

export function toastKey(n: NotificationDto): string {
  return `n:${n.id}`;
}

function capped(toasts: Toast[]): Toast[] {
  return toasts.length > TOAST_LIMIT ? toasts.slice(-TOAST_LIMIT) : toasts;
}

export function toastReducer(state: ToastState, action: ToastAction): ToastState {
  if (action.type === "dismiss") {
    const toasts = state.toasts.filter((t) => t.key !== action.key);
    return toasts.length === state.toasts.length ? state : { ...state, toasts };
  }
  const { notification, verdict, now } = action;
  switch (verdict.kind) {
    case "single": {
      const key = toastKey(notification);
      if (state.toasts.some((t) => t.key === key)) return state;
      return { ...state, toasts: capped([...state.toasts, { key, kind: "single", notification, shownAt: now }]) };
    }
    case "start": {
      const gone = new Set(verdict.keys);
      const serial = state.serial + 1;
      const summary: Toast = { key: `burst:${serial}`, kind: "summary", count: verdict.count, shownAt: now };
      const toasts = state.toasts.filter((t) => !gone.has(t.key));
      return { toasts: capped([...toasts, summary]), summaryKey: summary.key, serial };
    }
    case "grow": {
      // Dismissed while the burst goes on: the rest of the burst stays quiet too.
      if (!state.toasts.some((t) => t.key === state.summaryKey)) return state;
      return {
        ...state,
        toasts: state.toasts.map((t) =>
          t.key === state.summaryKey && t.kind === "summary" ? { ...t, count: verdict.count, shownAt: now } : t,
        ),
      };
    }
  }
}
