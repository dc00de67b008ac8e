/**
 * To Party B's contact on the first day a usage file is missing (R-BILL-1, ADR 0044): what is missing and
 * where it belongs, why the bill waits (clauses 4.5 and 4.6 in words, never rule IDs), and the last day.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as emails from "../../functions/app/email-views";
import { type Contract, loadContract } from "../../functions/core/contract";

let contract: Contract;
beforeAll(async () => {
  contract = await loadContract("contracts/11NA0700211920254001.json");
});

describe("emails.usageHeld", () => {
  it("names the missing file, its key, the clauses and the last day the bill waits", () => {
    const { subject, text, html } = emails.usageHeld(
      contract,
      { period: "2025-09", missing: ["sms"], lastBillingDay: "2025-10-17", checkTime: "17:00" },
      "contract-ops-usage",
    );
    expect(subject).toContain("2025年9月");
    expect(subject).toContain("账单暂缓出具");
    expect(text).toContain(`usage/${contract.contractId}/2025-09/sms.csv`);
    expect(text).toContain("contract-ops-usage");
    expect(text).toContain("合同第四条4.5款");
    expect(text).toContain("4.6款");
    expect(text).toContain("2025年10月17日");
    expect(text).toContain("17:00");
    expect(text).not.toContain("voice.csv");
    expect(`${subject}${text}${html}`).not.toMatch(/R-[A-Z]+-\d/);
  });
});
