import { describe, expect, it } from "vitest";
import { isTypingTarget, type KeyLike, moveIndex, shortcutFor } from "./shortcuts";

function key(k: string, extra: Partial<KeyLike> = {}): KeyLike {
  return { key: k, ctrlKey: false, metaKey: false, altKey: false, target: { tagName: "BODY" }, ...extra };
}

describe("shortcutFor", () => {
  it.each([
    ["j", "next"],
    ["J", "next"],
    ["k", "previous"],
    ["m", "toggleRead"],
    ["x", "delete"],
    ["Delete", "delete"],
    ["?", "help"],
    ["a", null],
    ["Enter", null],
    [" ", null],
  ] as const)("%s → %s", (k, action) => {
    expect(shortcutFor(key(k), false)).toBe(action);
  });

  it("takes arrows only while focus is on the list", () => {
    expect(shortcutFor(key("ArrowDown"), false)).toBeNull();
    expect(shortcutFor(key("ArrowUp"), false)).toBeNull();
    expect(shortcutFor(key("ArrowDown"), true)).toBe("next");
    expect(shortcutFor(key("ArrowUp"), true)).toBe("previous");
  });

  it("never fires with Ctrl, Alt or Meta, while composing, or when already handled", () => {
    for (const extra of [{ ctrlKey: true }, { metaKey: true }, { altKey: true }, { isComposing: true }, { defaultPrevented: true }]) {
      expect(shortcutFor(key("j", extra), true)).toBeNull();
    }
  });

  it("repeats only movement while a key is held", () => {
    expect(shortcutFor(key("j", { repeat: true }), true)).toBe("next");
    expect(shortcutFor(key("ArrowUp", { repeat: true }), true)).toBe("previous");
    expect(shortcutFor(key("x", { repeat: true }), true)).toBeNull();
    expect(shortcutFor(key("m", { repeat: true }), true)).toBeNull();
    expect(shortcutFor(key("?", { repeat: true }), true)).toBeNull();
  });

  it("never fires while typing", () => {
    for (const target of [{ tagName: "INPUT" }, { tagName: "textarea" }, { tagName: "SELECT" }, { tagName: "DIV", isContentEditable: true }]) {
      expect(shortcutFor(key("j", { target }), false)).toBeNull();
      expect(shortcutFor(key("?", { target }), false)).toBeNull();
    }
  });
});

describe("isTypingTarget", () => {
  it("knows fields from other elements", () => {
    expect(isTypingTarget({ tagName: "INPUT" })).toBe(true);
    expect(isTypingTarget({ tagName: "BUTTON" })).toBe(false);
    expect(isTypingTarget({ tagName: "ARTICLE", isContentEditable: false })).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
    expect(isTypingTarget("INPUT")).toBe(false);
  });
});

describe("moveIndex", () => {
  it("starts at the first item", () => {
    expect(moveIndex(-1, 5, 1)).toBe(0);
    expect(moveIndex(-1, 5, -1)).toBe(0);
  });

  it("moves by one and stops at the ends", () => {
    expect(moveIndex(0, 5, 1)).toBe(1);
    expect(moveIndex(4, 5, 1)).toBe(4);
    expect(moveIndex(2, 5, -1)).toBe(1);
    expect(moveIndex(0, 5, -1)).toBe(0);
  });

  it("handles an empty or shrunken list", () => {
    expect(moveIndex(-1, 0, 1)).toBe(-1);
    expect(moveIndex(7, 3, 1)).toBe(0);
  });
});
