/**
 * Shipped scenarios where Party B's staff put right what went wrong, through the `ops` operations, each
 * played on the embedded stack. Bills have no usage: the monthly fee alone, 4000.00 (R-PRICE-1). Expected
 * values are worked out by hand from the contract text and the 2025 official calendar (R-WD-1).
 */
import { describe, expect, it } from "vitest";
import recordReconciliation from "../../bin/ops/record-reconciliation";
import { PARTY_B, periodRow, playScenario, playScenarioWithMail } from "./harness";

const RUN = 180_000;

describe("scenario: a payment keyed wrong is corrected, never edited (ledger, R-PAY-1)", () => {
  it(
    "400.00 recorded for 4000.00 is reversed with who, when and why; the right amount clears the bill on time",
    async () => {
      const report = await playScenario("scenarios/correct-payment.json");
      const reversal = report.ledger.find((e) => e.kind === "reversal");
      expect(reversal).toMatchObject({
        period: "2025-08",
        amount: "-400.00",
        reverses: "2025-08#payment#001",
        who: "operator",
        reason: "keyed 400.00 for 4000.00",
        at: "2025-09-05T10:00:00+08:00",
      });
      // The wrong entry is still there, as recorded: a correction adds, it never edits.
      expect(report.ledger.find((e) => e.entryId === "2025-08#payment#001")?.amount).toBe("400.00");
      const august = periodRow(report, "2025-08");
      // Cleared by the 4000.00 of Tuesday 9 September, before the due date of 15 September.
      expect(august).toMatchObject({ paid: "4000.00", outstanding: "0.00", breaches: [], closed: true });
      expect(august.paidAt).toBe("2025-09-09T10:00:00+08:00");
    },
    RUN,
  );
});

describe("scenario: an unclear reply decided by a person (R-RECON-1/3, ops record-reconciliation)", () => {
  it(
    "the person's record of a 3600.00 dispute re-reconciles as an emailed one would; agreed 3800.00 adjusts September by −200.00",
    async () => {
      const { report, sent } = await playScenarioWithMail("scenarios/unclear-reply-decided-by-person.json");
      // The "needs a person" email tells Party B's contact the command that exists (bin/ops/<command>.ts is
      // what `npm run ops -- <command>` runs), with this contract and period, and only flags it takes.
      const needsPerson = sent.filter((e) => e.subject.startsWith("需人工处理："));
      expect(needsPerson).toHaveLength(1);
      expect(needsPerson[0]?.to).toEqual([PARTY_B]);
      const command = /npm run ops -- (record-reconciliation) (.+)$/m.exec(needsPerson[0]?.text ?? "");
      expect(command?.[2]).toBe(
        '--contract 11NA0700211920254001 --period 2025-08 --decision confirmed|disputed [--amount 甲方金额] --source "核实经过"',
      );
      expect(recordReconciliation.usage).toContain("npm run ops -- record-reconciliation ");
      for (const flag of command?.[2]?.match(/--[a-z-]+/g) ?? [])
        expect(recordReconciliation.usage).toContain(`${flag} `);
      expect(report.operations.find((o) => o.operation === "record-reconciliation")?.outcome).toBe("done");
      const august = periodRow(report, "2025-08");
      // |3600.00 − 4000.00| / 4000.00 = 10 % > 5 %.
      expect(august).toMatchObject({
        reconciliation: "re-reconcile",
        partyAFigure: "3600.00",
        agreedAmount: "3800.00",
        paid: "4000.00",
        closed: true,
      });
      const september = periodRow(report, "2025-09");
      expect(september.lines.filter((l) => l.kind === "adjustment")).toEqual([
        { kind: "adjustment", amount: "-200.00", sourcePeriod: "2025-08" },
      ]);
      expect(september.billTotal).toBe("3800.00");
    },
    RUN,
  );
});

describe("scenario: a negative agreed amount is refused (R-RECON-3, ops record-agreed)", () => {
  it(
    "-100.00 is refused in one line naming --agreed; nothing agreed, nothing carried, the bill stands and is paid",
    async () => {
      const report = await playScenario("scenarios/bad-agreed-value.json");
      const refused = report.operations.filter((o) => o.outcome === "refused");
      expect(refused.map((o) => o.operation)).toEqual(["record-agreed"]);
      expect(refused[0]?.detail.startsWith("--agreed")).toBe(true);
      expect(refused[0]?.detail).toContain('"-100.00"');
      const august = periodRow(report, "2025-08");
      expect(august).toMatchObject({
        reconciliation: "re-reconcile",
        agreedAmount: null,
        adjustmentNextPeriod: "0.00",
        paid: "4000.00",
        closed: true,
      });
      expect(report.ledger.filter((e) => e.kind === "agreed-difference")).toEqual([]);
    },
    RUN,
  );
});
