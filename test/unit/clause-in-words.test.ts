/**
 * Rules named as the contract names them, in the console's two languages (the emails' Chinese is tested in
 * emails-clauses.test.ts). The oracle is the signed contract text (../shared/seed): 4.5 says what a bill holds,
 * 4.6 sets the bill's 10 working days and Party A's 5 (R-BILL-1, R-RECON-1), 4.8 payment and invoice (R-PAY-1,
 * R-INV-1; 4.8 also names the bill), 5.1 and 8.3 a breach, its cure and arbitration (R-BREACH-1), 10.1 the term and the 30-day notice (R-TERM-3), Annex 3 (附件三《中国移动关于集团
 * 短信类业务发送流量限制及恢复的暂行规定》) the SMS port's throttling (R-THROTTLE-1).
 */
import { describe, expect, it } from "vitest";
import { clauseInWords } from "../../functions/core/clause-words";

describe("clause in words (acceptance)", () => {
  it("names the items of an article as 合同第四条4.6款", () => {
    expect(clauseInWords("R-BILL-1")).toBe("合同第四条4.5、4.6、4.8款");
    expect(clauseInWords("R-RECON-1")).toBe("合同第四条4.6款");
    expect(clauseInWords("R-PAY-1")).toBe("合同第四条4.8款");
    expect(clauseInWords("R-INV-1")).toBe("合同第四条4.8款");
    // 5.1: breach, the written notice and 10 days to cure; 8.3: arbitration when negotiation fails.
    expect(clauseInWords("R-BREACH-1")).toBe("合同第五条5.1款、第八条8.3款");
  });

  it("writes the tenth article as 第十条 and an annex by its Chinese number", () => {
    expect(clauseInWords("R-TERM-3")).toBe("合同第十条10.1款");
    expect(clauseInWords("R-THROTTLE-1")).toBe(
      "合同附件三《中国移动关于集团短信类业务发送流量限制及恢复的暂行规定》",
    );
  });

  it("has an English rendering", () => {
    expect(clauseInWords("R-RECON-1", "en")).toBe("clause 4.6 of the contract");
    expect(clauseInWords("R-THROTTLE-1", "en")).toBe("Annex 3 of the contract");
    expect(clauseInWords("R-BILL-1", "en")).toBe("clauses 4.5, 4.6, 4.8 of the contract");
  });
});

describe("clause in words (rejection)", () => {
  it("gives none for our own decisions where the contract is silent, or an unknown rule", () => {
    expect(clauseInWords("R-RECON-5")).toBeUndefined();
    expect(clauseInWords("R-MONEY-1")).toBeUndefined();
    expect(clauseInWords("R-WD-2")).toBeUndefined();
    expect(clauseInWords("R-NOPE-9")).toBeUndefined();
  });
});
