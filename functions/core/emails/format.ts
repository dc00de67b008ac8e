/**
 * How the emails write amounts, dates, instants and deadlines for people. Inputs are validated here: a
 * malformed figure is a bug upstream and must stop the email, never be printed as "NaN" or guessed at.
 */
import { cite, PROVISION } from "../clause-words";
import { formatFen, formatFenGrouped, InvalidMoneyError, parseYuanToFen } from "../money";
import type { ContractView, DeadlineView, PartyRole } from "./types";

export class EmailInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EmailInputError";
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const PERIOD = /^(\d{4})-(\d{2})$/;
const INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const PERCENT = /^(0|[1-9]\d*)(\.\d+)?$/;
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * An amount handed to an email, in fen. Views pass amounts exactly as the money module formats them
 * (`"4218.36"`, `"-0.05"`): anything else is a bug upstream.
 */
export function amountFen(amount: string): bigint {
  let fen: bigint | null = null;
  try {
    fen = parseYuanToFen(amount, "any");
  } catch (error) {
    if (!(error instanceof InvalidMoneyError)) throw error;
  }
  if (fen === null || formatFen(fen) !== amount) {
    throw new EmailInputError(`not an amount with 2 decimals: ${JSON.stringify(amount)}`);
  }
  return fen;
}

/** `"4218.36"` → `"4,218.36"`; grouping is done on the digits, never through a number (PROVISION.exactAmounts). */
export function formatAmount(amount: string): string {
  return formatFenGrouped(amountFen(amount));
}

/** `"4218.36"` → `"4,218.36 元"`. */
export function formatYuan(amount: string): string {
  return `${formatAmount(amount)} 元`;
}

/** `"-120.00"` → `"120.00 元"`: for sentences that say the direction in words. */
export function formatYuanMagnitude(amount: string): string {
  const fen = amountFen(amount);
  return `${formatFenGrouped(fen < 0n ? -fen : fen)} 元`;
}

function checkDate(date: string): [number, number, number] {
  const match = DATE.exec(date);
  const [y, m, d] = [Number(match?.[1]), Number(match?.[2]), Number(match?.[3])];
  const utc = new Date(Date.UTC(y, m - 1, d));
  if (!match || utc.getUTCFullYear() !== y || utc.getUTCMonth() !== m - 1 || utc.getUTCDate() !== d) {
    throw new EmailInputError(`not a calendar day (YYYY-MM-DD): ${JSON.stringify(date)}`);
  }
  return [y, m, d];
}

/** `"2025-10-21"` → `"2025年10月21日"`. */
export function formatDate(date: string): string {
  const [y, m, d] = checkDate(date);
  return `${y}年${m}月${d}日`;
}

/** `"2025-09"` → `"2025年9月"` (a billing period is a calendar month, PROVISION.billingPeriod). */
export function formatPeriod(period: string): string {
  const match = PERIOD.exec(period);
  const month = Number(match?.[2]);
  if (!match || month < 1 || month > 12) {
    throw new EmailInputError(`not a period (YYYY-MM): ${JSON.stringify(period)}`);
  }
  return `${match[1]}年${month}月`;
}

/**
 * `"2025-10-21T23:59:59+08:00"` → `"2025年10月21日 23:59（北京时间）"`. Any explicit offset is accepted and
 * shown in Beijing time; an instant without an offset is ambiguous and rejected.
 */
export function formatInstant(instant: string): string {
  const beijing = beijingIso(instant);
  return `${formatDate(beijing.slice(0, 10))} ${beijing.slice(11, 16)}（北京时间）`;
}

/** The instant shifted to Beijing wall-clock time, as `YYYY-MM-DDTHH:mm:ss.sssZ` (the Z is meaningless here). */
function beijingIso(instant: string): string {
  const match = INSTANT.exec(instant);
  if (!match) throw new EmailInputError(`not an ISO instant with offset: ${JSON.stringify(instant)}`);
  checkDate(match[1] ?? "");
  const millis = Date.parse(instant);
  if (Number.isNaN(millis) || Number(match[2]) > 23 || Number(match[3]) > 59 || Number(match[4] ?? 0) > 59) {
    throw new EmailInputError(`not an ISO instant with offset: ${JSON.stringify(instant)}`);
  }
  return new Date(millis + SHANGHAI_OFFSET_MS).toISOString();
}

/** The Asia/Shanghai calendar day (`YYYY-MM-DD`) an instant falls on. */
export function instantLocalDate(instant: string): string {
  return beijingIso(instant).slice(0, 10);
}

/** The Beijing calendar day of an instant: `"2025-10-21T23:59:59+08:00"` → `"2025年10月21日"`. */
export function formatInstantDay(instant: string): string {
  return formatDate(instantLocalDate(instant));
}

const DECIMAL = /^(0|[1-9]\d*)(\.\d{1,6})?$/;

/**
 * A quantity or unit price as rating produced it (`"0.06"`, `"75236"`, `"0.0425"`): shown as given, with
 * the integer part grouped. Unit prices may be finer than the fen (PROVISION.exactAmounts).
 */
export function formatDecimal(value: string): string {
  const match = DECIMAL.exec(value);
  if (!match) throw new EmailInputError(`not a non-negative decimal: ${JSON.stringify(value)}`);
  return `${(match[1] ?? "").replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${match[2] ?? ""}`;
}

/** `"6.25"` → `"6.25%"`. */
export function formatPercent(percent: string): string {
  if (!PERCENT.test(percent)) throw new EmailInputError(`not a percentage: ${JSON.stringify(percent)}`);
  return `${percent}%`;
}

/** PROVISION.provisionalCalendar: a deadline computed from a provisional calendar says so wherever it is shown. */
export const PROVISIONAL_MARK = "暂定（国务院放假安排尚未公布）";

/** `2025年10月21日 23:59（北京时间）`, followed by the provisional mark when it applies (PROVISION.provisionalCalendar). */
export function formatDeadline(deadline: DeadlineView): string {
  if (!Number.isInteger(deadline.workingDays) || deadline.workingDays < 1) {
    throw new EmailInputError(`${deadline.ruleId}: working days must be a positive integer`);
  }
  const when = formatInstant(deadline.dueAt);
  return deadline.provisional ? `${when}，${PROVISIONAL_MARK}` : when;
}

/** The footnote explaining provisional dates, for emails that show at least one (PROVISION.provisionalCalendar). */
export function provisionalFootnote(deadlines: DeadlineView[]): string | null {
  if (!deadlines.some((deadline) => deadline.provisional)) return null;
  return `标注「暂定」的日期按法定节假日规则推算：国务院当年放假安排公布后，系统将按正式安排重新计算，如有变化另行通知${cite(PROVISION.provisionalCalendar)}。`;
}

/** "贵方金额低于账单 118.36 元": a signed figure alone leaves the reader to work out who is higher. */
export function differenceWords(differenceAmount: string, whose: "贵方" | "甲方" = "贵方"): string {
  const differenceFen = amountFen(differenceAmount);
  if (differenceFen === 0n) return "无差额";
  return `${whose}金额${differenceFen < 0n ? "低于" : "高于"}账单 ${formatYuanMagnitude(differenceAmount)}`;
}

export function partyName(contract: ContractView, party: PartyRole): string {
  return party === "partyA" ? `甲方（${contract.partyAName}）` : `乙方（${contract.partyBName}）`;
}

/** How to reach Party B's contact, for the end of emails that ask Party A to act. */
export function partyBContactLine(contract: ContractView): string {
  return `如有疑问，请联系乙方联系人${contract.partyBContactName}（电话 ${contract.partyBContactPhone}，邮箱 ${contract.partyBContactEmail}）。`;
}
