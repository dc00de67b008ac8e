/**
 * The reconciliation reply's decision from the raw message (R-RECON-1/2/3): the same code path the
 * inbound Lambda runs after its trust checks (trust.ts) and that `ops parse-reply` prints.
 */
import { type ParsedReply, parseReplyMessage, type ReplyLimits } from "./parse-message";
import { type ReplyDecision, understandReply } from "./understand";

/**
 * Parses `raw` and reads its new text against the bill's total ("1234.56"). A message with any
 * parsing problem (unreadable charset, too deep, too long …) goes to a person: never guess.
 * Throws InvalidMoneyError only when `billTotal` is not an amount; never for anything in `raw`.
 */
export async function decideReply(
  raw: Buffer,
  billTotal: string,
  limits?: ReplyLimits,
): Promise<{ parsed: ParsedReply; decision: ReplyDecision }> {
  const parsed = await parseReplyMessage(raw, limits);
  const understood = understandReply(parsed.newText, billTotal);
  if (parsed.problems.length === 0) return { parsed, decision: understood };
  const reason = `邮件无法可靠读取：${parsed.problems.join("；")}`;
  return {
    parsed,
    decision: {
      decision: "needs-person",
      amount: null,
      reason,
      reasonCode: "unreadable",
      understood:
        "我们理解您的回复为：邮件内容无法可靠读取，无法自动确定您的对账意见。我方工作人员将尽快与您联系核实。",
    },
  };
}
