import { describe, expect, it } from "vitest";
import { markdownExcerpt, markdownToPlainText } from "./markdown-text";

describe("markdownToPlainText", () => {
  it.each([
    ["A message body with **Markdown**.", "A message body with Markdown."],
    ["*em* and _em_ and __strong__ and ~~gone~~", "em and em and strong and gone"],
    ["See [the docs](https://example.com/a_(b)) now", "See the docs now"],
    ["![a cat](https://x/cat.png) sleeps", "a cat sleeps"],
    ["[ref link][1]\n\n[1]: https://example.com", "ref link"],
    ["Run `npm *test*` first", "Run npm *test* first"],
    ["# Title #\n\nBody text", "Title Body text"],
    ["Title\n=====\nText", "Title Text"],
    ["> quoted\n> > deeper", "quoted deeper"],
    ["- one\n- two\n1. three\n* [x] done", "one two three done"],
    ["a\n\n---\n\nb", "a b"],
    ["| h1 | h2 |\n|---|:--:|\n| c1 | c2 |", "h1 h2 c1 c2"],
    ["```js\nconst a = 1;\nrun();\n```\nafter", "const a = 1; run(); after"],
    ["\\*not emphasis\\* and \\[not a link\\]", "*not emphasis* and [not a link]"],
    ["snake_case_name stays, 2 * 3 * 4 too", "snake_case_name stays, 2 * 3 * 4 too"],
    ["<b>bold</b> <script>x()</script> <!-- note -->text", "bold x() text"],
    ["Mail <me@example.com> or <https://example.com>", "Mail me@example.com or https://example.com"],
    ["Fish &amp; chips &lt;3 &#x1F600; &#65;", "Fish & chips <3 😀 A"],
    ["  lots\n\n\n of   space\t ", "lots of space"],
    ["**部署**完成：请查看 [详情](/inbox)。", "部署完成：请查看 详情。"],
    ["", ""],
  ])("%j → %j", (md, text) => {
    expect(markdownToPlainText(md)).toBe(text);
  });

  it("keeps an unclosed fence's content", () => {
    expect(markdownToPlainText("```\ncode only")).toBe("code only");
  });
});

describe("markdownExcerpt", () => {
  it("returns short text whole", () => {
    expect(markdownExcerpt("Hello **there**")).toBe("Hello there");
    expect(markdownExcerpt("x".repeat(120))).toBe("x".repeat(120));
  });

  it("cuts long text at a word boundary near the limit, with an ellipsis", () => {
    const words = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");
    const out = markdownExcerpt(words, 120);
    expect(Array.from(out).length).toBeLessThanOrEqual(120);
    expect(out.endsWith("…")).toBe(true);
    expect(words.startsWith(out.slice(0, -1))).toBe(true);
    expect(out.slice(0, -1).endsWith(" ")).toBe(false);
    expect(words[out.length - 1]).toBe(" "); // the cut fell between words
  });

  it("cuts text without spaces where it stands, counting code points", () => {
    const zh = "通知".repeat(100);
    expect(markdownExcerpt(zh, 120)).toBe(`${zh.slice(0, 119)}…`);
    const emoji = "😀".repeat(130);
    const out = markdownExcerpt(emoji, 120);
    expect(Array.from(out)).toHaveLength(120);
    expect(out).not.toMatch(/[\ud800-\udbff]…$/); // no half surrogate pair
  });

  it("drops trailing punctuation before the ellipsis", () => {
    expect(markdownExcerpt("Hello, world. " + "a".repeat(200), 16)).toBe("Hello, world…");
  });
});
