// Single-key shortcuts of the inbox. Pure: which action a key press means, if any.

export type ShortcutAction = "next" | "previous" | "toggleRead" | "delete" | "help";

export const SHORTCUTS_PREF_KEY = "notif-shortcuts";

type TargetLike = { tagName?: string; isContentEditable?: boolean } | null;

export type KeyLike = {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  isComposing?: boolean;
  defaultPrevented?: boolean;
  repeat?: boolean;
  target: unknown;
};

/** Typing somewhere: a form field or editable content gets every key. */
export function isTypingTarget(target: unknown): boolean {
  if (!target || typeof target !== "object") return false;
  const el = target as TargetLike;
  const tag = el?.tagName?.toUpperCase();
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el?.isContentEditable === true;
}

/**
 * The action of a key press. Arrows act only when focus is already on the list (elsewhere they
 * scroll the page); Shift is allowed (it makes "?"), Ctrl, Alt and Meta never are.
 */
export function shortcutFor(e: KeyLike, focusInList: boolean): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing || e.defaultPrevented) return null;
  if (isTypingTarget(e.target)) return null;
  const action = actionOf(e.key, focusInList);
  // Holding a key may move along the list, but never deletes or toggles item after item.
  return e.repeat && action !== "next" && action !== "previous" ? null : action;
}

function actionOf(key: string, focusInList: boolean): ShortcutAction | null {
  switch (key) {
    case "j":
    case "J":
      return "next";
    case "k":
    case "K":
      return "previous";
    case "ArrowDown":
      return focusInList ? "next" : null;
    case "ArrowUp":
      return focusInList ? "previous" : null;
    case "m":
    case "M":
      return "toggleRead";
    case "x":
    case "X":
    case "Delete":
      return "delete";
    case "?":
      return "help";
    default:
      return null;
  }
}

/** The index to focus next: the first item when none has focus; no wrapping at either end. */
export function moveIndex(current: number, count: number, by: 1 | -1): number {
  if (count === 0) return -1;
  if (current < 0 || current >= count) return 0;
  return Math.min(count - 1, Math.max(0, current + by));
}
