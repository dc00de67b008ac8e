/**
 * R-SMS-3 (2.23, 2.24; 附件二 6(6)–(8)): a commercial marketing message (商业性营销类短消息) ends with the
 * opt-out "拒收请回复R"; nothing may follow it (禁止贴尾广告, no trailing advertisement); one port sends one
 * category of message (同一端口不同时发送不同类型) — 商业类 marketing, 服务类 service, 管理类 management.
 *
 * The category is what Party A declares in the SMS log's `category` column; the content is only tested for the
 * opt-out text, never stored or returned (violations carry the line and a reason).
 */

export const SMS_CATEGORIES = ["marketing", "service", "management"] as const;
export type SmsCategory = (typeof SMS_CATEGORIES)[number];

export const OPT_OUT_TEXT = "拒收请回复R";

export interface MarketingViolation {
  /** The SMS log line (the header is line 1). */
  line: number;
  reason: string;
}

export function isSmsCategory(text: string): text is SmsCategory {
  return (SMS_CATEGORIES as readonly string[]).includes(text);
}

/**
 * R-SMS-3 for one marketing message: why it breaks 2.23/2.24, or undefined. Trailing white space is not
 * text; anything else after the last opt-out — a full stop included — is. A message logged without its
 * content cannot show the opt-out.
 */
export function marketingContentProblem(content: string): string | undefined {
  if (content === "") return "marketing message logged without its content (2.23)";
  const trimmed = content.trimEnd();
  if (trimmed.endsWith(OPT_OUT_TEXT)) return undefined;
  if (trimmed.includes(OPT_OUT_TEXT)) {
    return `text after "${OPT_OUT_TEXT}" (a trailing advertisement, 2.24)`;
  }
  return `marketing message without "${OPT_OUT_TEXT}" at the end (2.23)`;
}

/** Watches the category each port carries; reports the first message of a second category on a port. */
export class PortCategories {
  private readonly seen = new Map<string, Set<SmsCategory>>();

  /** R-SMS-3 "one port, one category": the problem this message adds, or undefined. */
  message(port: string, category: SmsCategory): string | undefined {
    const categories = this.seen.get(port) ?? new Set<SmsCategory>();
    this.seen.set(port, categories);
    if (categories.has(category)) return undefined;
    const before = [...categories];
    categories.add(category);
    if (before.length === 0) return undefined;
    return `port ${port} sends ${category} messages besides ${before.join(", ")} (2.24: one port, one category)`;
  }
}
