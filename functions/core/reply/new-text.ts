/**
 * Only what Party A's contact wrote now counts (R-RECON-1): the quoted bill below a reply carries
 * the bill's own lines and total, and reading those as Party A's figures would be a silent guess.
 * This cuts the quoted original, forwarded blocks and signatures the way the common clients write
 * them (Outlook, Foxmail, QQ Mail, NetEase, Apple Mail, Gmail), in Chinese and English.
 */

// Where an HTML reply's quoted part starts: the first of these elements and everything after it goes.
// `[^<>]*` rather than `[^>]*` keeps a flood of unclosed tags linear.
const HTML_QUOTE_MARKERS = [
  /<blockquote\b/i,
  /<div[^<>]*\bclass=["']?[^"'<>]*\bgmail_(?:quote|attr)\b/i,
  /<div[^<>]*\bid=["']?(?:divRplyFwdMsg|appendonsend|mail-editor-reference-message-container|isReplyContent|isForwardContent|origbody|reply-content)\b/i,
  /<div[^<>]*\bclass=["']?[^"'<>]*\b(?:moz-cite-prefix|yahoo_quoted|OutlookMessageHeader)\b/i,
  /<hr\b[^<>]*\bid=["']?stopSpelling/i,
];

const ENTITIES: Record<string, string> = {
  nbsp: " ",
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  yen: "¥",
  middot: "·",
  mdash: "—",
  ndash: "–",
  hellip: "…",
  ldquo: "“",
  rdquo: "”",
  lsquo: "‘",
  rsquo: "’",
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (name.startsWith("#")) {
      const code =
        name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "\ufffd";
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/**
 * Drops comments and the content of head/style/script/title. Written with indexOf rather than a lazy
 * regex so that thousands of unclosed `<style` or `<!--` cost linear time, not quadratic.
 */
function dropInvisible(html: string): string {
  const lower = html.toLowerCase();
  const out: string[] = [];
  let at = 0;
  const opener = /<!--|<(head|style|script|title)\b/g;
  for (;;) {
    opener.lastIndex = at;
    const open = opener.exec(lower);
    if (!open) break;
    out.push(html.slice(at, open.index));
    const close = open[1] ? `</${open[1]}` : "-->";
    const end = lower.indexOf(close, open.index + open[0].length);
    if (end < 0) return out.join("");
    const gt = open[1] ? lower.indexOf(">", end) : end + 2;
    at = gt < 0 ? html.length : gt + 1;
  }
  out.push(html.slice(at));
  return out.join("");
}

/** Plain text of an HTML body; block elements become line breaks so the line rules below still apply. */
export function htmlToText(html: string): string {
  return decodeEntities(
    dropInvisible(html)
      .replace(/<br\b[^<>]*>/gi, "\n")
      .replace(/<\/?(?:p|div|tr|li|ul|ol|table|h[1-6]|blockquote|hr|pre)\b[^<>]*>/gi, "\n")
      .replace(/<\/t[dh]\s*>/gi, " ")
      .replace(/<[^<>]*>/g, ""),
  );
}

/** The HTML before the first quoted-message container (gmail_quote, blockquote, divRplyFwdMsg …). */
export function cutHtmlQuote(html: string): string {
  let cut = html.length;
  for (const marker of HTML_QUOTE_MARKERS) {
    const found = marker.exec(html);
    if (found && found.index < cut) cut = found.index;
  }
  return html.slice(0, cut);
}

// "在 2026年9月3日周三 10:02，… 写道：" (Gmail, QQ) and "On 3 Sep 2026, at 10:02, … wrote:" (Apple, Gmail).
const ATTRIBUTION_LINES = [/^在.{0,160}写道\s*[:：]$/u, /^on .{0,240}wrote:$/i];
// A line that starts the quoted or forwarded original; it and everything below it is cut.
const QUOTE_HEADER_LINES = [
  /^-{2,}\s*原始邮件\s*-{2,}$/u,
  /^-{2,}\s*(?:original(?: message)?|forwarded message|转发邮件信息|转发的邮件|转发邮件|原邮件|原始郵件|轉寄郵件)\s*-{2,}$/iu,
  /^begin forwarded message:?$/i,
  ...ATTRIBUTION_LINES,
  /^.{0,80}\d{1,2}:\d{2}.{0,120}(?:写道|wrote)\s*[:：]$/iu,
];
// Outlook, Foxmail and NetEase write the original's headers as a block: 发件人/From, then 发送时间/Sent.
const HEADER_BLOCK_START = /^\*?(?:from|发件人|發件人|寄件者)\s*\*?\s*[:：]/iu;
const HEADER_BLOCK_NEXT =
  /^\*?(?:sent|date|发送时间|发送日期|日期|時間|寄件日期|to|收件人|subject|主题|主旨)\s*\*?\s*[:：]/iu;
// Signature delimiters and the client taglines that end what the sender typed.
const SIGNATURE_LINES = [
  /^--\s?$/,
  /^(?:sent from my|get outlook for|发自我的|发自网易邮箱|来自网易邮箱|从我的.{0,20}发送|发自\s?(?:iphone|ipad|android|手机))/iu,
];
// Contact detail lines of a signature: their numbers (phone, postcode) are no figures.
const CONTACT_DETAIL_LINE =
  /^(?:电话|手机|座机|传真|邮编|地址|邮箱|tel|phone|mobile|fax|e-?mail|address)\.?\s*[:：]/iu;

/**
 * The text the sender typed above the quoted original, without `>` lines, signatures and contact
 * details. Gmail and Apple Mail may wrap the attribution line ("On … wrote:") over two lines, so
 * two joined lines are tried as well.
 */
export function extractNewText(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? "").trim();
    const joined = `${line} ${(lines[i + 1] ?? "").trim()}`.trim();
    if (QUOTE_HEADER_LINES.some((re) => re.test(line))) break;
    if (/^(?:在|on\s)/iu.test(line) && ATTRIBUTION_LINES.some((re) => re.test(joined))) break;
    if (/^_{8,}$/.test(line) || HEADER_BLOCK_START.test(line)) {
      const block = lines.slice(i + 1, i + 6).map((l) => l.trim());
      if (HEADER_BLOCK_START.test(line) ? block.some((l) => HEADER_BLOCK_NEXT.test(l)) : true) break;
    }
    if (SIGNATURE_LINES.some((re) => re.test(line))) break;
    if (line.startsWith(">") || CONTACT_DETAIL_LINE.test(line)) continue;
    kept.push(line);
  }
  return kept
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
