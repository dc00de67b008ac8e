/**
 * `npm run bench:scale`'s cycle check (bench/scale-cycles.ts) counts every contract-month, also those whose
 * cycles TTL deleted before the run ended (R-RETAIN-1, 合同第三条3.9款: billing data kept 12 months after the
 * month the bill was produced), and still reports a wrong cycle. Inputs are hand-made readings; the expected
 * counts are counted by hand from them.
 */
import { describe, expect, it } from "vitest";
import { CycleCheck, type CycleReading, checkInstant } from "../../bench/scale-cycles";
import { expiresAtSeconds } from "../../functions/core/retention";

const contracts = ["SCALE0000001", "SCALE0000002", "SCALE0000003"];
// Fifteen months from 2025-08, as `--months 15` plays them: the first is the one TTL deletes before the end.
const periods = [
  "2025-08",
  "2025-09",
  "2025-10",
  "2025-11",
  "2025-12",
  "2026-01",
  "2026-02",
  "2026-03",
  "2026-04",
  "2026-05",
  "2026-06",
  "2026-07",
  "2026-08",
  "2026-09",
  "2026-10",
];
// A different bill each month (the usage differs by month), the same in every contract.
const totalOf = (period: string) => `${4000 + periods.indexOf(period)}.00`;

function reading(period: string, change: (contractId: string) => "closed" | "open" | "absent" | string) {
  const cycles: CycleReading = new Map();
  for (const contractId of contracts) {
    const what = change(contractId);
    if (what === "absent") continue;
    cycles.set(contractId, {
      closed: what !== "open",
      billTotal: what === "closed" || what === "open" ? totalOf(period) : what,
    });
  }
  return cycles;
}

/** A healthy run: every cycle read closed as it closed; at the end, the first period's cycles are gone (TTL). */
function healthyRun(): CycleCheck {
  const check = new CycleCheck(contracts, periods);
  for (const period of periods) {
    check.recordAsTheyClosed(
      period,
      reading(period, () => "closed"),
    );
    check.recordAtEnd(
      period,
      reading(period, () => (period === "2025-08" ? "absent" : "closed")),
    );
  }
  return check;
}

describe("the bench's cycle check across TTL (R-RETAIN-1)", () => {
  it("R-RETAIN-1: a run past the retention reports every contract-month closed, the expired ones from the read as they closed", () => {
    expect(healthyRun().verdict()).toEqual({
      cyclesClosed: 45,
      contractMonths: 45,
      sameBillForSameUsage: true,
      checkedAsTheyClosed: true,
      confirmedBeforeTtlDeleted: 3,
    });
  });

  it("R-RETAIN-1: a period read before its cycles expire, a year before (合同第三条3.9款 plus 31 days' grace)", () => {
    // 2025-08's cycles are read at 00:00 Asia/Shanghai on 1 October 2025.
    expect(checkInstant("2025-08").toISOString()).toBe("2025-09-30T16:00:00.000Z");
    // Its cycle is written when the bill's cycle starts in September 2025; kept 12 months after September,
    // to 30 September 2026, plus 31 days: it cannot expire before 31 October 2026.
    const written = new Date("2025-09-01T00:00:00+08:00");
    expect(expiresAtSeconds(written) * 1000).toBeGreaterThanOrEqual(Date.parse("2026-10-31T00:00:00+08:00"));
  });

  it("rejects: a contract billed differently for the same usage, in a period TTL has since deleted", () => {
    const check = healthyRun();
    check.recordAsTheyClosed(
      "2025-08",
      reading("2025-08", (id) => (id === "SCALE0000002" ? "4000.01" : "closed")),
    );
    expect(check.verdict()).toMatchObject({ cyclesClosed: 45, sameBillForSameUsage: false });
  });

  it("rejects: a cycle left open, and one never started, are not counted closed", () => {
    const check = healthyRun();
    check.recordAsTheyClosed(
      "2025-08",
      reading("2025-08", (id) => (id === "SCALE0000003" ? "open" : "closed")),
    );
    const stillStored = (id: string) => (id === "SCALE0000001" ? "absent" : "closed");
    check.recordAsTheyClosed("2026-02", reading("2026-02", stillStored));
    check.recordAtEnd("2026-02", reading("2026-02", stillStored));
    expect(check.verdict()).toMatchObject({
      cyclesClosed: 43,
      contractMonths: 45,
      sameBillForSameUsage: true,
      confirmedBeforeTtlDeleted: 2,
    });
  });

  it("rejects: a period without any cycle has no bill to compare", () => {
    const check = healthyRun();
    check.recordAsTheyClosed(
      "2025-08",
      reading("2025-08", () => "absent"),
    );
    expect(check.verdict()).toMatchObject({ cyclesClosed: 42, sameBillForSameUsage: false });
  });

  it("rejects: a stored cycle whose bill changed after the read as it closed is judged by what is stored", () => {
    const check = healthyRun();
    check.recordAtEnd(
      "2026-10",
      reading("2026-10", (id) => (id === "SCALE0000001" ? "1.00" : "closed")),
    );
    expect(check.verdict()).toMatchObject({ cyclesClosed: 45, sameBillForSameUsage: false });
  });
});
