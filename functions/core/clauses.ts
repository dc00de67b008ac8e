/**
 * Where each rule comes from in the signed contract, for readers who know the contract and not our rule
 * IDs: Party A's staff read "合同第四条4.6款", never "R-RECON-1". The references follow the clause column of
 * contract-rules.md, checked against the contract text: where a rule rests on several clauses, the one
 * that sets the obligation or its deadline is named (R-BILL-1's 10 working days are in 4.6; 4.5 only says
 * what a bill contains).
 */

/** A place in the contract: an article (条) with its numbered item (款), an annex, or the preamble's sections. */
export type ClauseRef =
  | { kind: "item"; article: number; item: string }
  | { kind: "annex"; annex: number; section?: string }
  | { kind: "preamble"; sections: string };

const item = (clause: string): ClauseRef => ({
  kind: "item",
  article: Number(clause.split(".")[0]),
  item: clause,
});

const CLAUSES: Readonly<Record<string, ClauseRef>> = {
  "R-PRICE-1": item("4.1"),
  "R-PRICE-2": item("4.1"),
  "R-PRICE-3": item("4.1"),
  "R-SMS-1": item("4.1"),
  "R-SMS-2": item("2.22"),
  "R-TRIAL-1": item("4.2"),
  "R-BUDGET-1": { kind: "preamble", sections: "一、二" },
  "R-PERIOD-1": item("4.4"),
  "R-BILL-1": item("4.6"),
  "R-RECON-1": item("4.6"),
  "R-RECON-2": item("4.6"),
  "R-RECON-3": item("4.6"),
  "R-RECON-4": item("4.7"),
  "R-PAY-1": item("4.8"),
  "R-PAY-2": item("5.1"),
  "R-INV-1": item("4.8"),
  "R-BANK-1": item("4.9"),
  "R-CHANGE-1": item("4.10"),
  "R-RETAIN-1": item("3.9"),
  "R-UPLINK-1": item("4.3"),
  "R-TERM-1": item("10.1"),
  "R-TERM-2": item("10.1"),
  "R-TERM-3": item("10.1"),
  "R-TERM-4": item("10.1"),
  "R-NOTICE-1": item("9.1"),
  "R-NOTICE-2": item("9.3"),
  "R-NOTICE-3": item("9.3"),
  "R-NOTICE-4": item("9.2"),
  "R-END-1": item("4.7"),
  "R-BREACH-1": item("5.1"),
  "R-LIAB-1": item("5.3"),
  "R-FM-1": item("7.3"),
  "R-SLA-1": item("3.3"),
  "R-SLA-2": item("3.4"),
  "R-CALL-1": { kind: "annex", annex: 7, section: "6" },
  "R-SMS-3": item("2.23"),
  "R-THROTTLE-1": { kind: "annex", annex: 3 },
};

const CHINESE_NUMERALS = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/** 1–19 in Chinese numerals (the contract has ten articles and a handful of annexes). */
function chineseNumber(n: number): string {
  if (n <= 10) return CHINESE_NUMERALS[n] ?? String(n);
  if (n < 20) return `十${CHINESE_NUMERALS[n - 10] ?? ""}`;
  return String(n);
}

export function clauseOf(ruleId: string): ClauseRef | undefined {
  return CLAUSES[ruleId];
}

/**
 * The clause of a rule in words: "合同第四条4.6款" / "clause 4.6 of the contract". Rules the contract is
 * silent on (our decisions, R-RECON-5, R-MONEY-1, R-WD-*) have none: `undefined`.
 */
export function clauseInWords(ruleId: string, lang: "zh" | "en" = "zh"): string | undefined {
  const ref = CLAUSES[ruleId];
  if (!ref) return undefined;
  switch (ref.kind) {
    case "item":
      return lang === "zh"
        ? `合同第${chineseNumber(ref.article)}条${ref.item}款`
        : `clause ${ref.item} of the contract`;
    case "annex":
      if (lang === "en") return `Annex ${ref.annex}${ref.section ? ` §${ref.section}` : ""} of the contract`;
      return `合同附件${chineseNumber(ref.annex)}${ref.section ? `第${ref.section}项` : ""}`;
    case "preamble":
      return lang === "zh" ? `合同正文第${ref.sections}部分` : `sections ${ref.sections} of the contract`;
  }
}
