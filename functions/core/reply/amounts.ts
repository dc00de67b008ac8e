/**
 * Money figures as Party A's contact writes them in a reconciliation reply (对账回复, R-RECON-1/2):
 * `4218.36`, `4,218.36`, `¥4,218.36`, `4218.36元`, `人民币4218.36元`, `4218元3角6分`, `0.42万元` and capital
 * numerals `肆仟贰佰壹拾捌元叁角陆分` / `玖万捌仟元整` (the contract itself writes amounts that way).
 *
 * Amounts are bigint fen (分, 1/100 yuan) throughout, made by the money module: a float never touches money
 * (R-MONEY-1).
 */
import { exactFenFromDecimal, fenFromYuanJiaoFen } from "../money";

/** A figure found in a reply. `fen` is null when the text looks like money but cannot be read exactly. */
export interface FoundFigure {
  /** The exact characters of the figure in the text it was found in. */
  raw: string;
  index: number;
  fen: bigint | null;
  /** How sure we are this is money: marked (currency sign, 元, decimals, grouping) or a bare number. */
  kind: "money" | "bare-number";
}

const CN_DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  壹: 1,
  二: 2,
  两: 2,
  贰: 2,
  貳: 2,
  三: 3,
  叁: 3,
  參: 3,
  四: 4,
  肆: 4,
  五: 5,
  伍: 5,
  六: 6,
  陆: 6,
  陸: 6,
  七: 7,
  柒: 7,
  八: 8,
  捌: 8,
  九: 9,
  玖: 9,
};
const CN_SMALL_UNITS: Record<string, bigint> = { 十: 10n, 拾: 10n, 百: 100n, 佰: 100n, 千: 1000n, 仟: 1000n };
const CN_BIG_UNITS: Record<string, bigint> = { 万: 10_000n, 萬: 10_000n, 亿: 100_000_000n, 億: 100_000_000n };
const CN_CHARS = "零〇一壹二两贰貳三叁參四肆五伍六陆陸七柒八捌九玖十拾百佰千仟万萬亿億";

/**
 * Reads a Chinese integer written with units (肆仟贰佰壹拾捌, 玖万捌仟, 一百零五). Returns null for
 * anything that is not written the regular way — digit strings without units (四二一八) or two
 * digits in a row — because a guessed figure is worse than none.
 */
export function parseChineseInteger(text: string): bigint | null {
  if (text === "") return null;
  let total = 0n;
  let section = 0n;
  let digit: bigint | null = null;
  let lastSmallUnit = 100_000n;
  for (const ch of text) {
    const d = CN_DIGITS[ch];
    const small = CN_SMALL_UNITS[ch];
    const big = CN_BIG_UNITS[ch];
    if (d !== undefined) {
      if (digit !== null && digit !== 0n && d !== 0) return null;
      digit = BigInt(d);
    } else if (small !== undefined) {
      if (small >= lastSmallUnit) return null;
      // 十 on its own means 一十 (十五 = 15).
      section += (digit ?? 1n) * small;
      lastSmallUnit = small;
      digit = null;
    } else if (big !== undefined) {
      section += digit ?? 0n;
      if (section === 0n && total === 0n) return null;
      // 亿 scales everything before it (一万亿); 万 only its own section (壹亿零贰万 = 100,020,000).
      total = big === 10_000n ? total + section * big : (total + section) * big;
      section = 0n;
      digit = null;
      lastSmallUnit = 100_000n;
    } else {
      return null;
    }
  }
  return total + section + (digit ?? 0n);
}

// Arabic figures. The number itself, with optional thousands separators and decimals.
const NUMBER = String.raw`\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)?`;
const ARABIC = new RegExp(
  String.raw`(?<prefix>(?:人民币|rmb|cny|¥)\s*)?(?<num>${NUMBER})(?<suffix>\s*万\s*(?:元|圆)|\s*(?:元|圆|块)(?:\s*(?<jiao>\d)\s*角)?(?:\s*(?<fen>\d)\s*分(?!钟))?(?:\s*整)?|\s*(?:yuan|rmb|cny)\b)?`,
  "giu",
);
// Capital or lowercase Chinese numerals: an amount only when followed by 元/圆 (玖万捌仟元整, 叁角陆分 after it).
// A match only starts where a run of numerals starts, which keeps long runs linear.
const CHINESE = new RegExp(
  String.raw`(?<![\d.${CN_CHARS}])(?<prefix>人民币\s*)?(?<int>[${CN_CHARS}]+)(?:元|圆|块)零?(?:(?<jiao>[${CN_CHARS}])角)?(?:(?<fen>[${CN_CHARS}])分)?整?`,
  "gu",
);
// Words after which even a small bare number is meant as money (金额应为98).
const AMOUNT_WORDS =
  /(?:金额|金額|总额|總額|應為|总计|合计|共计|费用|应为|应是|应该是|应付|实际|核对为|核算为|total|amount|should be)[^\d\n]{0,6}$/iu;
// What may follow a number that is not money: dates, times, counts, percentages, ordinals.
const NOT_MONEY_AFTER = /^\s*(?:[%‰年月日号时点秒条个次台份期项页张笔家位人天周]|分钟|小时|[-/:]\d|\.\d)/u;
const NOT_MONEY_BEFORE = /(?:[-/:.]|第|no\.?\s*|编号|号码|电话|手机|tel\.?\s*|phone\s*)$/iu;

function isSeparatedFromLetters(text: string, start: number, end: number): boolean {
  const before = text[start - 1] ?? "";
  const after = text[end] ?? "";
  return !/[a-z0-9_]/i.test(before) && !/[a-z0-9_]/i.test(after);
}

function arabicToFen(num: string, wan: boolean): bigint | null {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(num.replaceAll(",", ""));
  if (!match) return null;
  // 0.42万元 = 4200 元: a 万 figure is exact to the fen with at most 6 decimals.
  return exactFenFromDecimal(match[1] ?? "0", match[2] ?? "", wan ? 4 : 0);
}

/**
 * Every figure in `text` that may be an amount, in order. A number with a currency sign, 元, two
 * decimals or thousands grouping is money; a bare integer of three to nine digits counts too (as
 * `bare-number`) so that "确认。话费多了300" is not read as a plain confirmation. Dates, times,
 * phone and account numbers, counts (5000条) and percentages are left out.
 */
export function findFigures(text: string): FoundFigure[] {
  const figures: FoundFigure[] = [];
  const taken: Array<[number, number]> = [];
  for (const m of text.matchAll(CHINESE)) {
    const groups = m.groups ?? {};
    const int = parseChineseInteger(groups.int ?? "");
    const jiao = groups.jiao === undefined ? 0 : CN_DIGITS[groups.jiao];
    const fenDigit = groups.fen === undefined ? 0 : CN_DIGITS[groups.fen];
    // A lone 一/两 before 元 inside ordinary prose (一元) is still money; 零元 is not a figure anyone writes.
    const fen =
      int === null || jiao === undefined || fenDigit === undefined
        ? null
        : fenFromYuanJiaoFen(int, BigInt(jiao), BigInt(fenDigit));
    figures.push({ raw: m[0], index: m.index, fen, kind: "money" });
    taken.push([m.index, m.index + m[0].length]);
  }
  for (const m of text.matchAll(ARABIC)) {
    const start = m.index;
    const end = start + m[0].length;
    const groups = m.groups ?? {};
    const num = groups.num ?? "";
    const numStart = start + (groups.prefix?.length ?? 0);
    const numEnd = numStart + num.length;
    if (taken.some(([a, b]) => start < b && end > a)) continue;
    if (!isSeparatedFromLetters(text, numStart, numEnd) && !groups.prefix) continue;
    const suffix = groups.suffix ?? "";
    const marked = Boolean(groups.prefix) || suffix.trim() !== "";
    const tail = text.slice(numEnd, numEnd + 4);
    const head = text.slice(Math.max(0, start - 12), start);
    // Part of a dotted run (203.0.113.10, 1.2.3, 12.3456.78): unmarked it is no money; marked with 元
    // it is money nobody can read for sure.
    const dotted = /\d\.$/.test(head) || /^\.\d/.test(tail);
    if (!marked && (dotted || NOT_MONEY_AFTER.test(tail) || NOT_MONEY_BEFORE.test(head))) continue;
    const hasDecimals = /\.\d/.test(num);
    const grouped = num.includes(",");
    const digits = num.replaceAll(",", "").split(".")[0] ?? "";
    const afterWord = AMOUNT_WORDS.test(head);
    let kind: FoundFigure["kind"];
    if (marked || hasDecimals || grouped || afterWord) kind = "money";
    else if (digits.length >= 3 && digits.length <= 9) kind = "bare-number";
    else continue;
    // "4218,36" (a decimal comma) or "3,4218" (a broken grouping) cannot be read for sure either.
    const strayComma =
      /^,\d/.test(text.slice(numEnd, numEnd + 2)) || /\d,$/.test(text.slice(Math.max(0, start - 2), start));
    let fen = strayComma || dotted ? null : arabicToFen(num, /万/.test(suffix));
    if (fen !== null && (groups.jiao !== undefined || groups.fen !== undefined)) {
      // 4218元3角6分: the 角 and 分 only make sense after a whole number of yuan.
      fen = hasDecimals
        ? null
        : fenFromYuanJiaoFen(fen / 100n, BigInt(groups.jiao ?? "0"), BigInt(groups.fen ?? "0"));
    }
    figures.push({ raw: m[0].trimEnd(), index: start, fen, kind });
    taken.push([start, end]);
  }
  return figures.sort((a, b) => a.index - b.index);
}
