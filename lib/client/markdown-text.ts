// Plain text from a notification's Markdown body, for places that cannot render Markdown: a desktop
// notification's body and a toast's one-line preview. A light, forgiving pass (not a full CommonMark
// parser): it keeps the words a reader would see, drops the syntax, raw HTML and URLs of links and
// images, and collapses whitespace.

const ESCAPABLE = /\\([!-/:-@[-`{-~])/g;
// Private-use code points stand in for escaped characters and code spans while the syntax is stripped.
const HOLE_START = 0xe000;

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === "#") {
      const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

function stripLine(line: string): string {
  return line
    .replace(/^\s{0,3}(?:>\s?)+/, "") // blockquote
    .replace(/^\s{0,3}#{1,6}(?:\s+|$)/, "") // ATX heading…
    .replace(/\s+#+\s*$/, "") // …and its closing hashes
    .replace(/^\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?/, "") // list item, task box
    .replace(/^\s*(?:[-*_]\s*){3,}$/, "") // thematic break
    .replace(/^\s*=+\s*$/, "") // setext underline (the "-" one is a thematic break above)
    .replace(/^\s*\|?(?:\s*:?-+:?\s*\|)+\s*:?-*:?\s*$/, "") // table delimiter row
    .replace(/^\s*\[[^\]]+\]:\s+\S+.*$/, "") // link reference definition
    .replace(/\s*\|\s*/g, " ") // table cells
    .trim();
}

export function markdownToPlainText(markdown: string): string {
  const holes: string[] = [];
  const hole = (text: string) => String.fromCharCode(HOLE_START + holes.push(text) - 1);

  let s = markdown.replace(/\r\n?/g, "\n");
  // Fenced code: keep the code, drop the fences.
  s = s.replace(/^\s{0,3}(`{3,}|~{3,})[^\n]*\n([\s\S]*?)(?:^\s{0,3}\1[`~]*\s*$|(?![\s\S]))/gm, (_m, _f, code: string) =>
    hole(code.replace(/\s+/g, " ").trim()),
  );
  s = s.replace(ESCAPABLE, (_m, ch: string) => hole(ch));
  s = s.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (_m, _t, code: string) => hole(code.trim()));
  s = s.replace(/<!--[\s\S]*?-->/g, "");
  s = s.replace(/<(https?:\/\/[^\s>]+|[^\s@>]+@[^\s@>]+)>/g, (_m, url: string) => hole(url)); // autolinks
  s = s.replace(/<\/?[A-Za-z][^>]*>/g, ""); // raw HTML is never rendered
  s = s.replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1"); // images: their alt text
  s = s.replace(/!?\[([^\]]*)\](?:\((?:[^()]|\([^)]*\))*\)|\[[^\]]*\])/g, "$1"); // links: their text
  s = s.split("\n").map(stripLine).join("\n");
  s = s.replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, "$2");
  s = s.replace(/\*(?=\S)([^*]*?\S)\*/g, "$1");
  s = s.replace(/(^|[^\p{L}\p{N}_])_(?=\S)([^_]*?\S)_(?![\p{L}\p{N}_])/gu, "$1$2");
  s = s.replace(/~~(?=\S)([\s\S]*?\S)~~/g, "$1");
  s = decodeEntities(s);
  s = s.replace(/[\ue000-\uf8ff]/g, (c) => holes[c.charCodeAt(0) - HOLE_START] ?? c);
  return s.replace(/\s+/g, " ").trim();
}

/**
 * At most `max` characters (code points) of the body as plain text; a cut one ends in "…", at a
 * word boundary when one is near (text without spaces, such as Chinese, is cut where it stands).
 */
export function markdownExcerpt(markdown: string, max = 120): string {
  const text = Array.from(markdownToPlainText(markdown));
  if (text.length <= max) return text.join("");
  let cut = text.slice(0, max - 1).join("");
  const space = cut.lastIndexOf(" ");
  if (space >= Math.floor(max * 0.6)) cut = cut.slice(0, space);
  return `${cut.replace(/[\s.,;:!?，。；：！？、]+$/u, "")}…`;
}
