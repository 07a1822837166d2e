import { describe, expect, it } from "vitest";
import { createTranslator } from "use-intl/core";
import { DEFAULT_LOCALE, isLocale, LOCALES, MESSAGES, pickLocale } from "./config";
import en from "./messages/en.json";
import zhCN from "./messages/zh-CN.json";

describe("pickLocale", () => {
  it("lets the cookie win over the browser", () => {
    expect(pickLocale("zh-CN", "en-US,en;q=0.9")).toBe("zh-CN");
    expect(pickLocale("en", "zh-CN,zh;q=0.9")).toBe("en");
  });

  it("ignores a cookie naming a locale we do not speak", () => {
    expect(pickLocale("fr", "zh-TW")).toBe("zh-CN");
    expect(pickLocale("zh", null)).toBe("en");
    expect(pickLocale("EN", null)).toBe("en");
  });

  it.each(["zh", "zh-CN", "zh-TW", "zh-Hans-CN", "ZH-hk", "zh;q=0.8"])("maps %s to zh-CN", (al) => {
    expect(pickLocale(undefined, al)).toBe("zh-CN");
  });

  it("takes the first language we speak, in the browser's order", () => {
    expect(pickLocale(undefined, "fr-FR,fr;q=0.9,zh-CN;q=0.8,en;q=0.7")).toBe("zh-CN");
    expect(pickLocale(undefined, "de, en-GB;q=0.9, zh;q=0.8")).toBe("en");
  });

  it("defaults to English", () => {
    expect(DEFAULT_LOCALE).toBe("en");
    expect(pickLocale(undefined, null)).toBe("en");
    expect(pickLocale(undefined, "")).toBe("en");
    expect(pickLocale(undefined, "fr-FR,de;q=0.5")).toBe("en");
    expect(pickLocale(undefined, "*")).toBe("en");
  });

  it("isLocale accepts exactly the supported locales", () => {
    for (const l of LOCALES) expect(isLocale(l)).toBe(true);
    for (const v of ["zh", "zh-cn", "en-US", "", undefined, null, 1]) expect(isLocale(v)).toBe(false);
  });
});

type Tree = { [k: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const BRANCHING = new Set(["plural", "select", "selectordinal"]);

/**
 * The ICU arguments of a message: `name` for a simple one, `name:type` for a typed one (plural, select,
 * number, …), and `<tag>` for rich-text tags. Recurses into plural/select branches; honours ICU quoting.
 * Throws on unbalanced braces and on a plural/select without an `other` branch.
 */
function icuArguments(msg: string): string[] {
  const out = new Set<string>();
  let i = 0;

  function message(nested: boolean): void {
    while (i < msg.length) {
      const ch = msg[i]!;
      if (ch === "'") {
        if (msg[i + 1] === "'") i += 2;
        else if (msg[i + 1] === "{" || msg[i + 1] === "}" || msg[i + 1] === "#") {
          const end = msg.indexOf("'", i + 1);
          i = end === -1 ? msg.length : end + 1;
        } else i++;
      } else if (ch === "{") {
        i++;
        argument();
      } else if (ch === "}") {
        if (!nested) throw new Error(`unbalanced } at ${i} in ${JSON.stringify(msg)}`);
        i++;
        return;
      } else if (ch === "<") {
        const tag = /^<([A-Za-z][\w-]*)>/.exec(msg.slice(i));
        if (tag) out.add(`<${tag[1]}>`);
        i++;
      } else i++;
    }
    if (nested) throw new Error(`unclosed { in ${JSON.stringify(msg)}`);
  }

  function argument(): void {
    const head = /^\s*([^\s,{}]+)\s*([,}])/.exec(msg.slice(i));
    if (!head) throw new Error(`bad argument at ${i} in ${JSON.stringify(msg)}`);
    i += head[0].length;
    const name = head[1]!;
    if (head[2] === "}") {
      out.add(name);
      return;
    }
    const typed = /^\s*(\w+)\s*([,}])/.exec(msg.slice(i));
    if (!typed) throw new Error(`bad argument type at ${i} in ${JSON.stringify(msg)}`);
    i += typed[0].length;
    const type = typed[1]!;
    out.add(`${name}:${type}`);
    if (typed[2] === "}") return;
    if (BRANCHING.has(type)) {
      const selectors: string[] = [];
      for (;;) {
        const opt = /^\s*(?:offset:\d+\s*)?(\}|([^\s{}]+)\s*\{)/.exec(msg.slice(i));
        if (!opt) throw new Error(`bad ${type} option at ${i} in ${JSON.stringify(msg)}`);
        i += opt[0].length;
        if (opt[1] === "}") break;
        selectors.push(opt[2]!);
        message(true);
      }
      if (!selectors.includes("other")) throw new Error(`${type} without "other" in ${JSON.stringify(msg)}`);
    } else {
      // A style (`{n, number, ::currency/EUR}`): skip to the argument's closing brace.
      let depth = 1;
      while (i < msg.length && depth > 0) {
        if (msg[i] === "{") depth++;
        else if (msg[i] === "}") depth--;
        i++;
      }
      if (depth) throw new Error(`unclosed { in ${JSON.stringify(msg)}`);
    }
  }

  message(false);
  return [...out].sort();
}

describe("icuArguments (the checker itself)", () => {
  it("finds simple, typed and nested arguments and tags", () => {
    expect(icuArguments("Hi {name}")).toEqual(["name"]);
    expect(icuArguments("{count, plural, =0 {None} one {# item by {who}} other {# items}}")).toEqual([
      "count:plural",
      "who",
    ]);
    expect(icuArguments("Paid {n, number} at <b>{time}</b>")).toEqual(["<b>", "n:number", "time"]);
    expect(icuArguments("It''s '{literal}' now")).toEqual([]);
    expect(icuArguments("{g, select, female {She} male {He} other {They}}")).toEqual(["g:select"]);
  });

  it("rejects broken messages", () => {
    expect(() => icuArguments("Hi {name")).toThrow();
    expect(() => icuArguments("Hi name}")).toThrow();
    expect(() => icuArguments("{n, plural, one {#}}")).toThrow(/other/);
  });
});

describe("message catalogues", () => {
  const flatEn = flatten(en as Tree);
  const flatZh = flatten(zhCN as Tree);

  it("MESSAGES holds both catalogues", () => {
    expect(Object.keys(MESSAGES).sort()).toEqual([...LOCALES].sort());
    expect(MESSAGES.en).toBe(en);
    expect(MESSAGES["zh-CN"]).toBe(zhCN);
  });

  it("en and zh-CN have exactly the same keys", () => {
    const onlyEn = [...flatEn.keys()].filter((k) => !flatZh.has(k));
    const onlyZh = [...flatZh.keys()].filter((k) => !flatEn.has(k));
    expect({ onlyEn, onlyZh }).toEqual({ onlyEn: [], onlyZh: [] });
    expect(flatEn.size).toBeGreaterThan(10);
  });

  it("every message is non-empty", () => {
    for (const [locale, flat] of [["en", flatEn], ["zh-CN", flatZh]] as const) {
      const empty = [...flat].filter(([, v]) => !v.trim()).map(([k]) => k);
      expect({ locale, empty }).toEqual({ locale, empty: [] });
    }
  });

  it("each key uses the same ICU placeholders in both languages", () => {
    const mismatches: string[] = [];
    for (const [key, enMsg] of flatEn) {
      const zhMsg = flatZh.get(key);
      if (zhMsg === undefined) continue;
      const a = icuArguments(enMsg).join(" ");
      const b = icuArguments(zhMsg).join(" ");
      if (a !== b) mismatches.push(`${key}: en [${a}] ≠ zh-CN [${b}]`);
    }
    expect(mismatches).toEqual([]);
  });

  it("every message formats in its locale with sample values", () => {
    const errors: string[] = [];
    for (const [locale, flat, messages] of [
      ["en", flatEn, en],
      ["zh-CN", flatZh, zhCN],
    ] as const) {
      const t = createTranslator({
        locale,
        messages: messages as Record<string, unknown>,
        onError: (e) => errors.push(`${locale}: ${e.message}`),
      }) as unknown as (key: string, values?: Record<string, unknown>) => string;
      for (const [key, msg] of flat) {
        const values: Record<string, unknown> = {};
        for (const arg of icuArguments(msg)) {
          if (arg.startsWith("<")) continue;
          const [name, type] = arg.split(":");
          values[name!] = type === "plural" || type === "selectordinal" || type === "number" ? 3 : "x";
        }
        const out = t(key, values);
        if (typeof out !== "string" || out === key || /[{}]/.test(out)) errors.push(`${locale} ${key}: ${String(out)}`);
      }
    }
    expect(errors).toEqual([]);
  });

  it("the bell's label reads as the contract says, in English", () => {
    const t = createTranslator({ locale: "en", messages: en, namespace: "bell" });
    expect(t("label", { count: 0 })).toBe("No unread notifications");
    expect(t("label", { count: 1 })).toBe("1 unread notification");
    expect(t("label", { count: 3 })).toBe("3 unread notifications");
  });
});
