/**
 * A budget threshold with decimals (R-BUDGET-1, 一、二: the contract total of fiscal funds), played as a
 * shipped scenario on the embedded stack. Hand computation with the patched total of 9,950.00: August and
 * September bill 4,000.00 each — 8,000.00 / 9,950.00 = 80.40 %, below 80.5 %; October brings the billed total
 * to 12,000.00 = 120.60 %: the 80.5 % and the 100 % warnings, each once, to both contacts.
 */
import { describe, expect, it } from "vitest";
import { runContractYear } from "../../infra/local/contract-year";
import { loadScenario } from "../../infra/local/scenario/load";
import type { LocalSentEmail } from "../../infra/local/services";
import { PARTY_A, PARTY_B, periodRow } from "./harness";

const RUN = 180_000;
const FILE = "scenarios/budget-decimal-threshold.json";

describe("scenario: a budget warning at 80.5 % (R-BUDGET-1)", () => {
  it(
    "8,000.00 of 9,950.00 (80.40 %) warns nobody; 12,000.00 (120.60 %) warns at 80.5 % and 100 %, once each, and billing goes on",
    async () => {
      const { scenario, contract } = await loadScenario(FILE);
      let sent: LocalSentEmail[] = [];
      const report = await runContractYear({
        contract,
        scenario,
        scenarioSource: FILE,
        inspect: async (app) => {
          sent = await app.stack.sentEmails();
        },
      });
      for (const period of ["2025-08", "2025-09", "2025-10"])
        expect(periodRow(report, period)).toMatchObject({ billTotal: "4000.00", paid: "4000.00" });
      const warnings = sent.filter((e) => e.subject.startsWith("合同金额使用已达"));
      expect(warnings.map((e) => e.subject.split("：")[0]).sort()).toEqual([
        "合同金额使用已达 100%",
        "合同金额使用已达 80.5%",
      ]);
      for (const warning of warnings) {
        expect(warning.to).toEqual(expect.arrayContaining([PARTY_A, PARTY_B]));
        // Never at 8,000.00: the first total that reaches 80.5 % is October's 12,000.00.
        expect(warning.subject).toContain("累计 12,000.00 元 / 9,950.00 元");
      }
    },
    RUN,
  );
});
