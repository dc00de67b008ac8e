/**
 * The audit history's `what` (and a received reply's, which is its audit event's) in Chinese on the
 * Chinese pages. The record stays as written: audit events are append-only history in English for
 * operators and code, so the translation happens here, when a page is drawn. Each text the code writes
 * has one entry below — an exact sentence, or a pattern whose values (days, periods, amounts, masked
 * numbers, ids) are carried over into the Chinese sentence in the contract's words, clauses in words and
 * never rule IDs. A text no entry knows (one a later change writes) is shown in English, marked as such.
 */
import { clauseWords, contractClause, isContractRuleId } from "../functions/core/clause-words";
import { formatDate, formatInstant, formatPeriod, formatYuan } from "../functions/core/emails/format";
import {
  type DeliveryMethod,
  type DeliveryRegion,
  METHODS,
  REGIONS,
} from "../functions/core/emails/renewal-reminder";
import { escapeHtml } from "./html";
import { type Lang, tv, zhOfEnglish } from "./i18n";

/** A value the sentence carries, in Chinese words; the value itself when it is not of the expected form. */
function carried(format: (value: string) => string): (value: string) => string {
  return (value) => {
    try {
      return format(value);
    } catch {
      return value;
    }
  };
}

const day = carried(formatDate);
const month = carried(formatPeriod);
const yuan = carried(formatYuan);
/** An instant (`…T…+08:00`) in Beijing time, or a day: the records write deadlines either way. */
const when = carried((value) => (value.includes("T") ? formatInstant(value) : formatDate(value)));

/** The contract's clauses of a rule in words, or the contract itself for a rule that is our decision. */
function clauseOf(rule: string): string {
  return (isContractRuleId(rule) && clauseWords(rule)) || "合同";
}

const PARTY: Record<string, string> = { A: "甲方", B: "乙方", "Party A": "甲方", "Party B": "乙方" };
const party = (value: string) => PARTY[value] ?? value;

/** A register entry: `2025-09:R-PAY-1` (a missed deadline of a period) or `ticket:<id>` (a late ticket). */
function breachRef(id: string): string {
  const detected = /^(\d{4}-\d{2}):(.+)$/.exec(id);
  if (detected) return `${month(detected[1] ?? "")}未按${clauseOf(detected[2] ?? "")}约定履行的违约`;
  const ticket = /^ticket:(.+)$/.exec(id);
  if (ticket) return `工单 ${ticket[1]} 超时的违约`;
  return `编号 ${id} 的违约`;
}

/** Clause 9.3's delivery methods as the renewal reminder names them; `express/same-city` with the region. */
function delivery(method: string, region: string | undefined): string {
  const words = METHODS[method as DeliveryMethod] ?? method;
  if (!region) return words;
  return `${words}（${REGIONS[region as DeliveryRegion] ?? region}）`;
}

const LEDGER_KIND: Record<string, string> = {
  charge: "出账",
  payment: "付款",
  invoice: "发票",
  "agreed-difference": "重新对账差额",
  settlement: "结算",
  reversal: "冲销",
};

const SERVICE: Record<string, string> = {
  "monthly-fee": "网络带宽服务（月费）",
  "voice-outbound": "语音专线（主叫）",
  sms: "短信",
};

const USAGE_FILE: Record<string, string> = { voice: "语音话单", sms: "短信话单" };

const REPLY_DECISION: Record<string, string> = {
  confirmed: "确认账单",
  disputed: "对账单有异议",
  "needs-person": "需人工核实",
};

const CALENDAR_STEP: Record<string, string> = {
  "bill due": "账单发送期限",
  "reconciliation reminder": "对账提醒",
  "reconciliation due": "对账确认期限",
  "payment due": "付款期限",
  "re-reconciliation due": "重新对账期限",
  "invoice due": "发票开具期限",
};

/** What a breach the monthly cycle records says (the register's `what`), as in the email to Party B. */
const BREACH_WHAT: Array<[RegExp, (m: string[]) => string]> = [
  [
    /^payment of (\S+) for (\S+) not received by (\S+)$/,
    ([, amount, period, due]) =>
      `${month(period ?? "")}账单 ${yuan(amount ?? "")}未在 ${when(due ?? "")}前付款`,
  ],
  [
    /^VAT invoice for (\S+) not issued by (.+)$/,
    ([, period, due]) =>
      `${month(period ?? "")}账单的增值税普通发票未在${due === "its due date" ? "期限内" : ` ${when(due ?? "")}前`}开具`,
  ],
  [
    /^bill for (\S+) sent after its due date (\S+)$/,
    ([, period, due]) => `${month(period ?? "")}账单晚于发送期限（${when(due ?? "")}）发出`,
  ],
];

function breachWhat(what: string): string | undefined {
  return firstMatch(BREACH_WHAT, what);
}

const PAYMENT_OUTCOME: Array<[RegExp, (m: string[]) => string]> = [
  [/^the bill is paid in full$/, () => "账单已全额付清"],
  [
    /^short payment: (\S+) still owing; the payment wait goes on \(R-PAY-2\)$/,
    ([, owing]) => `部分付款：尚欠 ${yuan(owing ?? "")}，继续等待付款（${clauseOf("R-PAY-2")}）`,
  ],
  [
    /^overpayment: (\S+) carried as a credit to the next bill$/,
    ([, credit]) => `多付 ${yuan(credit ?? "")}，结转抵扣下期账单`,
  ],
];

type Entry = [RegExp, (m: string[]) => string | undefined];

const EXACT: Record<string, string> = {
  "contract loaded and put under watch": "合同已载入，开始跟踪履约",
  "cycle closed": "本账期已结清关闭",
  "reconciliation reminder sent": "已发送对账提醒",
  "bill emailed to Party A's contact": "账单已通过电子邮件发送给甲方指定联系人",
  "no reply by the reconciliation deadline: bill deemed accepted": "对账期限内未收到回复：视为甲方认可账单",
  "re-reconciliation not agreed by its deadline: referred to negotiation, no adjustment carried":
    "重新对账期限内未达成一致：转双方协商解决，不结转调整",
};

const PATTERNS: Entry[] = [
  [/^bill prepared: total (\S+)$/, ([, total]) => `账单已出具：合计 ${yuan(total ?? "")}`],
  [
    /^bill held for the missing usage file\(s\) (.+): checked each working day until (\S+)$/,
    ([, files, until]) =>
      `缺少${(files ?? "")
        .split(", ")
        .map((f) => USAGE_FILE[f] ?? f)
        .join("、")}，账单暂缓出具：每个工作日检查一次，至 ${day(until ?? "")}止`,
  ],
  [/^bill not prepared: (.+)$/s, ([, error]) => `账单未能出具（系统错误信息）：${error}`],
  [
    /^re-reconciliation opened: Party A's figure (\S+) vs bill (\S+)$/,
    ([, claimed, bill]) => `开始重新对账：甲方金额 ${yuan(claimed ?? "")}，账单金额 ${yuan(bill ?? "")}`,
  ],
  [
    /^breach recorded: (.+)$/s,
    ([, inner]) => {
      const words = breachWhat(inner ?? "");
      return words === undefined ? undefined : `登记违约：${words}`;
    },
  ],
  [
    /^payment (\S+) recorded: (\S+) on (\S+) — (.+)$/s,
    ([, entry, amount, at, outcome]) => {
      const words = firstMatch(PAYMENT_OUTCOME, outcome ?? "");
      return words === undefined
        ? undefined
        : `已登记付款 ${entry}：${yuan(amount ?? "")}，付款时间 ${when(at ?? "")}——${words}`;
    },
  ],
  [
    /^payment (\S+) went to account (\S+), not to Party B's account in force (\S+) on (\S+)$/,
    ([, entry, paidInto, inForce, on]) =>
      `付款 ${entry} 付入账户 ${paidInto}，而非 ${day(on ?? "")}有效的乙方账户${inForce === "(none)" ? "（当日无有效账户）" : ` ${inForce}`}（${clauseOf("R-BANK-1")}）`,
  ],
  [
    /^ledger entry (\S+) \((\S+) (\S+)\) reversed: (.*?)(; the bill is owing again and the cycle waits for payment \(R-PAY-2 from the original due date\))?$/s,
    ([, entry, kind, amount, reason, reopened]) =>
      `分类账分录 ${entry}（${LEDGER_KIND[kind ?? ""] ?? kind} ${yuan(amount ?? "")}）已冲销：${reason}${reopened ? `；账单重新处于未付状态，自原付款期限起继续等待付款（${clauseOf("R-PAY-2")}）` : ""}`,
  ],
  [/^settlement document: nothing to settle$/, () => "结算单：多退少补后无需结算"],
  [
    /^settlement document: (refund|collect) (\S+)$/,
    ([, direction, amount]) =>
      `结算单：${direction === "refund" ? "乙方退还甲方" : "乙方向甲方收取"} ${yuan(amount ?? "")}（多退少补）`,
  ],
  [
    /^reminder: the cure period of breach (\S+) ends (\S+)$/,
    ([, ref, ends]) => `提醒：${breachRef(ref ?? "")}的纠正期于 ${day(ends ?? "")}届满`,
  ],
  [
    /^breach (\S+): neither cured nor objected by (\S+); the dispute may go to (.+)$/,
    ([, ref, by, body]) =>
      `${breachRef(ref ?? "")}：至 ${day(by ?? "")}既未纠正也未提出书面异议，争议可提交${body}仲裁`,
  ],
  [
    /^ticket (\S+) not closed by (\S+): breach (\S+) of Party (A|B) in the register$/,
    ([, ticket, due, ref, who]) =>
      `工单 ${ticket} 未在 ${when(due ?? "")}前处理完毕：已登记${party(who ?? "")}${breachRef(ref ?? "")}`,
  ],
  [
    /^Party A requested to (add|change|cancel) (\S+)(?: at (\S+))? on (\S+), confirmed by Party B on (\S+): in force from (\S+)$/,
    ([, action, service, price, on, confirmed, from]) =>
      `甲方于 ${day(on ?? "")}申请${tv("zh", "changeAction", action ?? "")}${SERVICE[service ?? ""] ?? service}业务${price ? `（单价 ${price} 元）` : ""}，乙方于 ${day(confirmed ?? "")}确认：自 ${day(from ?? "")}起生效`,
  ],
  [
    /^SMS tariff adjusted to (\S+) \(3\.11\): notified (\S+), agreed (\S+), in force from (\S+)$/,
    ([, price, notified, agreed, from]) =>
      `短信资费调整为每条 ${price} 元（${contractClause(3, "3.11")}）：乙方 ${day(notified ?? "")}通知，双方 ${day(agreed ?? "")}协商一致，自 ${day(from ?? "")}起执行`,
  ],
  [/^VAT invoice (.+) recorded$/, ([, number]) => `已登记增值税普通发票 ${number}`],
  [
    /^re-reconciliation agreed at (\S+): adjustment (\S+) carried to (?:the bill for (\S+)|(the settlement document))$/,
    ([, agreed, adjustment, next, settlement]) =>
      `重新对账议定金额 ${yuan(agreed ?? "")}：${settlement ? "结算单" : `${month(next ?? "")}账单`}${adjustment?.startsWith("-") ? "调减" : "调增"} ${yuan(adjustment?.replace(/^-/, "") ?? "")}`,
  ],
  [
    /^deadlines moved by the official (\d{4}) calendar: (.+)$/s,
    ([, year, moves]) =>
      `按国家公布的 ${year} 年节假日安排调整期限：${(moves ?? "")
        .split("; ")
        .map((move) => {
          const m = /^(.+) (\S+) → (\S+)$/.exec(move);
          return m ? `${CALENDAR_STEP[m[1] ?? ""] ?? m[1]} ${when(m[2] ?? "")} → ${when(m[3] ?? "")}` : move;
        })
        .join("；")}`,
  ],
  [
    /^personal data deleted on request: (\d+) usage files of the periods through (\S+)$/,
    ([, count, through]) => `应要求删除个人信息：截至${month(through ?? "")}各账期的 ${count} 个话单文件`,
  ],
  [
    /^reconciliation reply: (\S+) \(Party A's figure (\S+), bill (\S+)\)$/,
    ([, outcome, claimed, bill]) =>
      `收到对账回复：${tv("zh", "recon", outcome ?? "")}（甲方金额 ${yuan(claimed ?? "")}，账单金额 ${yuan(bill ?? "")}）`,
  ],
  [
    /^a written notice deemed delivered in time for term (\d+) was recorded after the renewal: undid the automatic renewal of term (\d+) into term (\d+) \(from (\S+)\); the contract ends on (\S+)$/,
    ([, term, from, into, start, ends]) =>
      `自动续约后登记了视为按时送达的第 ${term} 期不续约书面通知：撤销第 ${from} 期续为第 ${into} 期（自 ${day(start ?? "")}起）的自动续约，合同于 ${day(ends ?? "")}终止`,
  ],
  [
    /^renewal reminder sent for term (\d+): notice must be deemed delivered by (\S+)$/,
    ([, term, by]) => `已发送第 ${term} 期续约提醒：不续约书面通知须于 ${day(by ?? "")}前视为送达`,
  ],
  [
    /^no written non-renewal notice by the deadline: renewed for term (\d+) from (\S+)$/,
    ([, term, from]) => `期限内未收到不续约书面通知：合同自 ${day(from ?? "")}起自动续约为第 ${term} 期`,
  ],
  [
    /^contract ended at the end of term (\d+) \((\S+)\); the last period is settled both ways and the SMS access code is taken back$/,
    ([, term, last]) =>
      `合同于第 ${term} 期届满（${day(last ?? "")}）终止；最后一个账期多退少补，收回短信接入号`,
  ],
  [
    /^contract ended early on (\S+) by the written termination notice of (\S+); the last period is settled both ways and the SMS access code is taken back$/,
    ([, ends, dispatched]) =>
      `合同依 ${day(dispatched ?? "")}发出的书面解除通知于 ${day(ends ?? "")}提前终止；最后一个账期多退少补，收回短信接入号`,
  ],
  [
    /^written termination notice recorded for term (\d+): ([a-z]+)(?:\/(\S+))? dispatched (\S+), deemed delivered (\S+), in time for an end on (\S+)$/,
    ([, term, method, region, dispatched, delivered, end]) =>
      `已登记第 ${term} 期的书面解除通知：${delivery(method ?? "", region)} ${day(dispatched ?? "")}发出，视为 ${day(delivered ?? "")}送达，可于 ${day(end ?? "")}终止合同`,
  ],
  [
    /^written (non-renewal|termination) notice recorded for term (\d+): ([a-z]+)(?:\/(\S+))? dispatched (\S+), deemed delivered (\S+) — (in time|too late)$/,
    ([, kind, term, method, region, dispatched, delivered, inTime]) =>
      `已登记第 ${term} 期的${kind === "termination" ? "解除" : "不续约"}书面通知：${delivery(method ?? "", region)} ${day(dispatched ?? "")}发出，视为 ${day(delivered ?? "")}送达——${inTime === "in time" ? "按时" : "已逾期"}`,
  ],
  [
    /^(.+) ticket (\S+) opened at (\S+): (.*?)(?: — due (\S+))?$/s,
    ([, kind, ticket, at, what, due]) => {
      const kindWords = zhOfEnglish("ticketKind", kind ?? "");
      if (kindWords === undefined) return undefined;
      return `${kindWords}工单 ${ticket} 于 ${when(at ?? "")}申告：${what}${due ? `——处理时限 ${when(due)}` : ""}`;
    },
  ],
  [
    /^ticket (\S+) closed at (\S+): (met|late)(?: — breach (\S+) of Party (A|B) in the register)?$/,
    ([, ticket, at, standing, ref, who]) =>
      `工单 ${ticket} 于 ${when(at ?? "")}处理完毕：${standing === "met" ? "按时" : "超时"}${ref ? `——已登记${party(who ?? "")}${breachRef(ref)}` : ""}`,
  ],
  [
    /^written breach notice recorded for (\S+) \((\S+), Party (A|B)\): ([a-z]+)(?:\/(\S+))? (\S+), received (\S+), cure or objection due (\S+)$/,
    ([, ref, rule, who, method, region, sent, received, due]) =>
      `已登记对${breachRef(ref ?? "")}的书面违约通知（${clauseOf(rule ?? "")}，违约方：${party(who ?? "")}）：${delivery(method ?? "", region)} ${day(sent ?? "")}发出，${day(received ?? "")}送达，纠正或书面异议期限 ${day(due ?? "")}`,
  ],
  [
    /^(cure confirmed in writing|written objection received) for breach (\S+) on (\S+)(?: — after the cure deadline (\S+))?$/,
    ([, answer, ref, on, late]) =>
      `${day(on ?? "")}${answer === "cure confirmed in writing" ? "书面确认已纠正" : "收到书面异议"}：${breachRef(ref ?? "")}${late ? `（晚于纠正期限 ${day(late)}）` : ""}`,
  ],
  [
    /^force majeure from (\S+)(?: to (\S+)| \(ongoing\)): (.*?)(?:; written request to negotiate sent (\S+))?$/s,
    ([, from, to, what, negotiation]) =>
      `不可抗力：自 ${day(from ?? "")}${to ? `至 ${day(to)}` : "起（持续中）"}，${what}${negotiation ? `；已于 ${day(negotiation)}书面提出协商` : ""}`,
  ],
  [
    /^(Party A|Party B) notified a new bank account (\S+) \((.+)\) on (\S+): in force from (\S+)$/,
    ([, who, account, bank, on, from]) =>
      `${party(who ?? "")}于 ${day(on ?? "")}书面通知变更银行账户为 ${account}（${bank}）：自 ${day(from ?? "")}起生效`,
  ],
  [
    /^(Party A|Party B) notified a new contact on (\S+): (.+), (\S+), (\S+) — emails go to it from (\S+)$/,
    ([, who, on, name, phone, email, from]) =>
      `${party(who ?? "")}于 ${day(on ?? "")}书面通知变更指定联系人：${name}，${phone}，${email}——自 ${day(from ?? "")}起邮件发往新联系人`,
  ],
  [
    /^reply received after the reconciliation deadline \((\S+)\); recorded as late$/,
    ([, decision]) => `对账期限届满后收到回复（${REPLY_DECISION[decision ?? ""] ?? decision}）：记为逾期回复`,
  ],
  [/^reply needs a person: (.+)$/s, ([, reason]) => `回复需人工处理：${reason}`],
  [/^inbound reply not acted on: (.+)$/s, ([, reason]) => `收到的回复未予处理：${reason}`],
];

function firstMatch(entries: ReadonlyArray<Entry>, text: string): string | undefined {
  for (const [pattern, render] of entries) {
    const match = pattern.exec(text);
    if (match) {
      const words = render([...match].map((group) => group ?? ""));
      if (words !== undefined) return words;
    }
  }
  return undefined;
}

/** The Chinese of a stored `what`, or undefined when no entry knows the text. */
export function auditWhatZh(what: string): string | undefined {
  return Object.hasOwn(EXACT, what) ? EXACT[what] : firstMatch(PATTERNS, what);
}

/** The `what` cell: Chinese on the Chinese page; an unknown text in English, marked, never dropped. */
export function auditWhatCell(lang: Lang, what: string): string {
  if (lang === "en") return escapeHtml(what);
  const words = auditWhatZh(what);
  if (words !== undefined) return escapeHtml(words);
  return `<span class="untranslated" lang="en" title="暂无中文对照，显示系统记录的英文原文">（英文原文）${escapeHtml(what)}</span>`;
}
