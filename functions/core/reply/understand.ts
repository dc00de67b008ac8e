/**
 * What Party A's contact meant by a reconciliation reply (对账回复, R-RECON-1): confirmed at the bill's
 * total, disputed with Party A's own figure, or — whenever that is not certain — needs a person.
 * Money and the 5-working-day deadline hang on this, so the rule is: never guess. Two figures, both
 * a confirm and a dispute word, a dispute without a figure: a person reads it.
 *
 * Whether a disputed figure stands or triggers re-reconciliation is not decided here: the cycle
 * compares it with the bill by R-RECON-2/3.
 */
import { formatFen, formatFenGrouped, parseYuanToFen } from "../money";
import { findFigures } from "./amounts";

export type ReplyReasonCode =
  | "confirm-word"
  | "dispute-with-figure"
  | "figure-equals-bill"
  | "both-confirm-and-dispute"
  | "two-different-figures"
  | "dispute-without-figure"
  | "figure-without-dispute-word"
  | "no-recognisable-answer"
  | "unreadable";

export interface ReplyDecision {
  decision: "confirmed" | "disputed" | "needs-person";
  /** Party A's figure, "1234.56"; the bill's total when confirmed; null when a person must decide. */
  amount: string | null;
  /** Why, in Chinese, for Party B's contact and the cycle's history. */
  reason: string;
  reasonCode: ReplyReasonCode;
  /** The sentence for the acknowledgement e-mail: 我们理解您的回复为：…… */
  understood: string;
}

/**
 * Full-width digits, letters, point and yen sign as plain ASCII, so ４２１８．３６ reads like 4218.36.
 * The full-width comma stays: in Chinese prose it separates clauses, it never groups thousands.
 */
export function normaliseReplyText(text: string): string {
  return text
    .replace(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0e\uff05]/g, (ch) =>
      String.fromCharCode(ch.charCodeAt(0) - 0xfee0),
    )
    .replaceAll("\uffe5", "¥")
    .replaceAll("\u00a0", " ")
    .toLowerCase();
}

// Phrases are looked for in this order, and each match is blanked before the next list runs, so that
// 无异议 (a confirmation) is never also read as 异议, and 不同意 never also as 同意.
const CONFIRMING_NEGATIONS =
  /无异议|無異議|没有异议|沒有異議|没异议|无任何异议|没有任何异议|并无异议|不存在异议|无意见|没有意见|無意見|无问题|没有问题|沒有問題|没问题|沒問題|不存在问题|无任何问题|没有任何问题|未发现问题|没有发现问题|未发现异常|无异常|无错误|没有错误|无差错|无差异|没有差异|\bno (?:objections?|issues?|problems?|disputes?|discrepanc(?:y|ies)|errors?)\b/giu;
// Questions and receipts that contain a confirm word but confirm nothing (请确认, 确认收到, 是否正确).
const NEUTRAL =
  /请(?:您)?(?:核对|确认)|請(?:您)?(?:核對|確認)|请查收|確認收到|确认收到|(?<![多少])收到|是否(?:正确|无误|一致|确认|同意|正確|無誤|確認)|待(?:核对|确认|核對|確認)|please (?:confirm|check)|is (?:it|this) correct\??/giu;
// Words saying the figure next to them is a difference (多收了18.36元), not Party A's total: the total
// is then unknown, and computing it would be a guess.
const DIFFERENCE =
  /多收|少收|多算|少算|多计|少计|多扣|少扣|多出|多了|少了|差额|差價|差价|扣减|扣除|减去|退还|退回|补交|补缴|overcharged?|undercharged?|difference of/giu;
const DISPUTE =
  /有异议|有異議|存在异议|提出异议|异议|異議|不同意|不一致|不相符|不符|不对|不對|有误|有誤|有错|有錯|错误|錯誤|不正确|不正確|不准确|不準確|应为|應為|应是|應是|应该是|應該是|应当是|(?:不|未|没|沒|没有|無法|无法|不能|不可|难以|難以|未能|不予|暂不|尚未)(?:能)?(?:同意|确认|確認|认可|認可|接受|核对无误)|对不上|核对不上|重复计费|更正|有出入|有差异|有差異|disagree|dispute[sd]?|incorrect|not correct|not right|wrong|should be|should have been|objections?|discrepanc(?:y|ies)|\b(?:not|never|cannot|can't|can not|don't|do not|doesn't|does not|isn't|is not|unable to)\s+(?:\w+\s+)?(?:ok|okay|confirm\w*|agree\w*|accept\w*|correct|right|approve\w*)\b/giu;
const CONFIRM =
  /确认|確認|无误|無誤|同意|一致|相符|正确|正確|准确|準確|认可|認可|没错|沒錯|对的|對的|\bok\b|\bokay\b|\bconfirm(?:ed|s)?\b|\bagree[ds]?\b|\bcorrect\b|\bapproved?\b|\baccepted?\b|\ball good\b/giu;

function blank(text: string, pattern: RegExp, onMatch: () => void): string {
  return text.replace(pattern, (m) => {
    onMatch();
    return " ".repeat(m.length);
  });
}

function needsPerson(reasonCode: ReplyReasonCode, reason: string): ReplyDecision {
  return {
    decision: "needs-person",
    amount: null,
    reason,
    reasonCode,
    understood: `我们理解您的回复为：无法自动确定您的对账意见（${reason}）。我方工作人员将尽快与您联系核实。`,
  };
}

/**
 * R-RECON-1/2/3: reads the new text of a reply (quotes and signatures already removed) against the
 * bill's total ("1234.56"). Throws InvalidMoneyError if `billTotal` itself is not an amount.
 */
export function understandReply(newText: string, billTotal: string): ReplyDecision {
  // A negative total is a credit carried (R-RECON-4): Party A confirms it like any other.
  const billFen = parseYuanToFen(billTotal, "any");
  const bill = `人民币${formatFenGrouped(billFen)}元`;
  const text = normaliseReplyText(newText);
  if (text.trim() === "") return needsPerson("no-recognisable-answer", "回复中没有新写的内容");
  if (text.includes("\ufffd")) return needsPerson("unreadable", "回复中有无法解码的字符");

  const figures = findFigures(text);
  if (figures.some((f) => f.fen === null)) {
    const raw = figures.find((f) => f.fen === null)?.raw ?? "";
    return needsPerson("unreadable", `金额写法无法准确识别：“${raw}”`);
  }
  // Figures are removed before looking for words so that 一 in 壹万 or "ok" inside a number is no word.
  let words = text;
  for (const f of [...figures].reverse()) {
    words = words.slice(0, f.index) + " ".repeat(f.raw.length) + words.slice(f.index + f.raw.length);
  }
  let confirms = 0;
  let disputes = 0;
  let differences = 0;
  words = blank(words, CONFIRMING_NEGATIONS, () => confirms++);
  words = blank(words, NEUTRAL, () => undefined);
  words = blank(words, DIFFERENCE, () => differences++);
  disputes += differences;
  words = blank(words, DISPUTE, () => disputes++);
  blank(words, CONFIRM, () => confirms++);

  const distinct = [...new Set(figures.map((f) => f.fen as bigint))];
  if (confirms > 0 && disputes > 0) {
    return needsPerson("both-confirm-and-dispute", "回复中既有确认的字样，又有异议的字样");
  }
  if (distinct.length > 1) {
    const list = distinct.map((fen) => formatFen(fen)).join("、");
    return needsPerson(
      "two-different-figures",
      `回复中有多个不同的金额（${list}），无法判断哪一个是贵方核对的金额`,
    );
  }
  const figure = distinct[0];
  if (disputes > 0) {
    if (figure !== undefined && differences > 0) {
      return needsPerson(
        "dispute-without-figure",
        `回复表示有异议，但金额人民币${formatFenGrouped(figure)}元可能是差额，而不是贵方核对的本期总金额`,
      );
    }
    if (figure === undefined)
      return needsPerson("dispute-without-figure", "回复表示有异议，但没有写明贵方核对的金额");
    if (figure === billFen) {
      return needsPerson("figure-equals-bill", `回复表示有异议，但写明的金额与账单金额${bill}相同`);
    }
    return {
      decision: "disputed",
      amount: formatFen(figure),
      reason: `回复表示有异议，贵方核对的金额为人民币${formatFenGrouped(figure)}元（账单金额${bill}）`,
      reasonCode: "dispute-with-figure",
      understood: `我们理解您的回复为：对本期账单金额${bill}有异议，贵方核对的金额为人民币${formatFenGrouped(figure)}元。`,
    };
  }
  if (figure !== undefined && figure !== billFen) {
    return needsPerson(
      "figure-without-dispute-word",
      `回复中的金额人民币${formatFenGrouped(figure)}元不是账单金额${bill}，但没有表示异议`,
    );
  }
  if (figure === undefined && confirms === 0) {
    return needsPerson("no-recognisable-answer", "回复中没有确认或异议的表示，也没有金额");
  }
  return {
    decision: "confirmed",
    amount: formatFen(billFen),
    reason:
      figure === undefined
        ? `回复确认账单无误，按账单金额${bill}确认`
        : `回复写明的金额与账单金额${bill}相同，且没有异议`,
    reasonCode: figure === undefined ? "confirm-word" : "figure-equals-bill",
    understood: `我们理解您的回复为：确认本期账单金额${bill}无误。`,
  };
}
