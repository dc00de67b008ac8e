/**
 * Which clause of the contract each rule comes from, and how an email names it. Emails speak the contract's
 * language (合同第四条4.6款), never our rule IDs: Party A's staff read the contract, not
 * shared/design/contract-rules.md. This table is the one definition of rule → clause; it follows that file's
 * clause column, checked against the contract text (docs/decisions/0034-clauses-in-words.md says where the two
 * differ). Rule IDs stay in code, logs, the audit trail and the docs.
 */

/**
 * A place in the contract: clauses of an article (第四条4.6款), an annex or one of its items, numbered as that
 * annex numbers them (附件二第8条, 附件七第六条), or one of the parts before the articles (“一、服务项目、价格”).
 * Annexes carry their title: the contract's list of annexes (11.3) and their headings disagree on 六 and 七.
 */
export type ClauseRef =
  | { kind: "article"; article: number; clauses: readonly string[]; note?: string }
  | { kind: "annex"; annex: number; title: string; item?: string }
  | { kind: "part"; part: number; title: string };

const article = (n: number, ...clauses: string[]): ClauseRef => ({ kind: "article", article: n, clauses });
const ANNEX_2_ITEM_8: ClauseRef = {
  kind: "annex",
  annex: 2,
  title: "中国移动集团客户短消息类业务要求",
  item: "8",
};

/**
 * Rule → the clauses it comes from. An empty list: the contract is silent and the rule is our decision
 * (R-RECON-5), a working convention (R-WD-*, R-MONEY-1) — an email then cites nothing rather than a clause
 * that does not say it.
 */
const CLAUSES_OF_RULES = {
  "R-PRICE-1": [article(4, "4.1")],
  "R-PRICE-2": [article(4, "4.1")],
  "R-PRICE-3": [article(4, "4.1")],
  "R-SMS-1": [{ kind: "article", article: 4, clauses: ["4.1"], note: "注（1）" }, ANNEX_2_ITEM_8],
  "R-SMS-2": [article(2, "2.22")],
  "R-TRIAL-1": [{ kind: "article", article: 4, clauses: ["4.1"], note: "注（2）" }, article(4, "4.2")],
  "R-BUDGET-1": [
    { kind: "part", part: 1, title: "服务项目、价格" },
    { kind: "part", part: 2, title: "付款方式" },
  ],
  "R-MONEY-1": [],
  "R-PERIOD-1": [article(4, "4.4")],
  "R-BILL-1": [article(4, "4.5", "4.6", "4.8")],
  "R-RECON-1": [article(4, "4.6")],
  "R-RECON-2": [article(4, "4.6")],
  "R-RECON-3": [article(4, "4.6")],
  "R-RECON-4": [article(4, "4.7")],
  "R-RECON-5": [],
  "R-PAY-1": [article(4, "4.8")],
  "R-PAY-2": [article(5, "5.1")],
  "R-INV-1": [article(4, "4.8")],
  "R-BANK-1": [article(4, "4.9")],
  "R-CHANGE-1": [article(4, "4.10")],
  "R-RETAIN-1": [article(3, "3.9")],
  "R-UPLINK-1": [article(4, "4.3")],
  "R-WD-1": [],
  "R-WD-2": [],
  "R-WD-3": [],
  "R-WD-4": [],
  "R-TERM-1": [article(10, "10.1")],
  "R-TERM-2": [article(10, "10.1")],
  "R-TERM-3": [article(10, "10.1")],
  "R-TERM-4": [article(10, "10.1")],
  "R-NOTICE-1": [article(9, "9.1", "9.2")],
  "R-NOTICE-2": [article(9, "9.3")],
  "R-NOTICE-3": [article(9, "9.3"), article(10, "10.1")],
  "R-NOTICE-4": [article(9, "9.2")],
  "R-END-1": [article(4, "4.7"), article(3, "3.21")],
  "R-BREACH-1": [article(5, "5.1"), article(8, "8.3")],
  "R-LIAB-1": [article(5, "5.3")],
  "R-FM-1": [article(7, "7.3")],
  "R-SLA-1": [article(3, "3.3")],
  "R-SLA-2": [article(3, "3.4", "3.18"), article(2, "2.26")],
  "R-CALL-1": [{ kind: "annex", annex: 7, title: "语音专线业务信息安全责任承诺书", item: "六" }],
  "R-SMS-3": [article(2, "2.23", "2.24")],
  "R-THROTTLE-1": [
    { kind: "annex", annex: 3, title: "中国移动关于集团短信类业务发送流量限制及恢复的暂行规定" },
  ],
} as const satisfies Record<string, readonly ClauseRef[]>;

export type ContractRuleId = keyof typeof CLAUSES_OF_RULES;

export const RULE_CLAUSES: Readonly<Record<ContractRuleId, readonly ClauseRef[]>> = CLAUSES_OF_RULES;

/**
 * The contract's provisions by what they are about: how the texts Party A reads name the provision they cite,
 * looked up in the one rule → clause table above (ADR 0034), so no internal rule ID stands in an email's source.
 */
export const PROVISION = {
  automaticRenewal: "R-TERM-2",
  bankDetails: "R-BANK-1",
  billDelivery: "R-BILL-1",
  billingDataRetention: "R-RETAIN-1",
  billingPeriod: "R-PERIOD-1",
  breach: "R-BREACH-1",
  callLimits: "R-CALL-1",
  complaintThrottling: "R-THROTTLE-1",
  contractBudget: "R-BUDGET-1",
  exactAmounts: "R-MONEY-1",
  faultRepair: "R-SLA-2",
  finalSettlement: "R-END-1",
  invoice: "R-INV-1",
  lineOpening: "R-SLA-1",
  nonRenewalNotice: "R-TERM-3",
  noReplyDeemedAccepted: "R-RECON-5",
  noticeDelivery: "R-NOTICE-2",
  noticeDispatchDeadline: "R-NOTICE-3",
  overduePayment: "R-PAY-2",
  payment: "R-PAY-1",
  provisionalCalendar: "R-WD-3",
  reconciliation: "R-RECON-1",
  reconciliationTolerance: "R-RECON-2",
  reReconciliation: "R-RECON-3",
  settlementOfDifference: "R-RECON-4",
  smsContent: "R-SMS-3",
  term: "R-TERM-1",
  termLastDay: "R-TERM-4",
  trialUsage: "R-TRIAL-1",
  workingDayDeadline: "R-WD-2",
  writtenNotice: "R-NOTICE-1",
} as const satisfies Record<string, ContractRuleId>;

export function isContractRuleId(id: string): id is ContractRuleId {
  return Object.hasOwn(RULE_CLAUSES, id);
}

const NUMERALS = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/** 1 → 一, 10 → 十, 11 → 十一: the contract numbers its articles and annexes this way (第十一条). */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 19) throw new RangeError(`no contract numbering for ${n}`);
  return n <= 10 ? (NUMERALS[n] ?? "") : `十${NUMERALS[n - 10] ?? ""}`;
}

function refWords(ref: ClauseRef): string {
  switch (ref.kind) {
    case "article":
      return `第${chineseNumeral(ref.article)}条${ref.clauses.join("、")}款${ref.note ?? ""}`;
    case "annex":
      return `附件${chineseNumeral(ref.annex)}《${ref.title}》${ref.item === undefined ? "" : `第${ref.item}条`}`;
    case "part":
      return `“${chineseNumeral(ref.part)}、${ref.title}”部分`;
  }
}

/** "4.10" after "4.9": clause numbers compare as numbers, part by part. */
function clauseOrder(a: string, b: string): number {
  const [aArticle = 0, aClause = 0] = a.split(".").map(Number);
  const [bArticle = 0, bClause = 0] = b.split(".").map(Number);
  return aArticle - bArticle || aClause - bClause;
}

/** Clauses of the same article (and note) are named together: 第四条4.6、4.7款. */
function merged(refs: ClauseRef[]): ClauseRef[] {
  const out: ClauseRef[] = [];
  for (const ref of refs) {
    const same = out.find(
      (seen) =>
        seen.kind === "article" &&
        ref.kind === "article" &&
        seen.article === ref.article &&
        seen.note === ref.note,
    );
    if (same?.kind === "article" && ref.kind === "article") {
      const clauses = [...new Set([...same.clauses, ...ref.clauses])].sort(clauseOrder);
      out[out.indexOf(same)] = { ...same, clauses };
    } else {
      out.push(ref);
    }
  }
  return out;
}

/**
 * The clauses of one or more rules in words, in the contract's order and each named once:
 * R-END-1 → "合同第三条3.21款、第四条4.7款"; "" when every rule is our decision.
 */
export function clauseWords(...ruleIds: ContractRuleId[]): string {
  const order = (ref: ClauseRef): number =>
    ref.kind === "part" ? ref.part : ref.kind === "article" ? 100 + ref.article : 1000 + ref.annex;
  const refs = merged(ruleIds.flatMap((id): ClauseRef[] => [...RULE_CLAUSES[id]])).sort(
    (a, b) => order(a) - order(b),
  );
  const words = refs.map(refWords).filter((word, index, all) => all.indexOf(word) === index);
  return words.length === 0 ? "" : `合同${words.join("、")}`;
}

/** A clause no rule stands for, in the same words: contractClause(9, "9.4") → "合同第九条9.4款". */
export function contractClause(articleNumber: number, ...clauses: string[]): string {
  return `合同${refWords(article(articleNumber, ...clauses))}`;
}

/** `（合同第四条4.6款）` after a sentence, or nothing when the rules are our decisions alone. */
export function cite(...ruleIds: ContractRuleId[]): string {
  const words = clauseWords(...ruleIds);
  return words ? `（${words}）` : "";
}

function refWordsEn(ref: ClauseRef): string {
  switch (ref.kind) {
    case "article":
      return `${ref.clauses.length > 1 ? "clauses" : "clause"} ${ref.clauses.join(", ")}${ref.note ? ` (note ${ref.note})` : ""}`;
    case "annex":
      return `Annex ${ref.annex}${ref.item === undefined ? "" : ` item ${ref.item}`}`;
    case "part":
      return `part ${ref.part} (${ref.title})`;
  }
}

/**
 * A rule named for a reader who knows the contract, in the console's language: the Chinese words the emails use
 * ("合同第四条4.6款") or an English rendering ("clause 4.6 of the contract"). `undefined` for a rule the contract
 * is silent on (our decisions, R-RECON-5, R-MONEY-1, R-WD-*) and for an ID that is not a rule.
 */
export function clauseInWords(ruleId: string, lang: "zh" | "en" = "zh"): string | undefined {
  if (!isContractRuleId(ruleId) || RULE_CLAUSES[ruleId].length === 0) return undefined;
  if (lang === "zh") return clauseWords(ruleId);
  return `${merged([...RULE_CLAUSES[ruleId]])
    .map(refWordsEn)
    .join("; ")} of the contract`;
}
