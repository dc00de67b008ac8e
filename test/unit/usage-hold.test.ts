/**
 * R-BILL-1 (ADR 0044; 合同第四条4.5款、4.6款): when a bill waits for a missing usage file, and until when.
 * Worked out by hand from the State Council's 2025 holiday notice: 1–8 October 2025 are holidays and Saturday
 * 11 October a make-up working day, so after period 2025-09 the working days run 9 Oct (1), 10 Oct (2),
 * 11 Oct (3), 13 Oct (4), 14 (5), 15 (6), 16 (7), 17 Oct (8), 20 (9), 21 Oct (10, the bill's due day).
 */
import { describe, expect, it } from "vitest";
import { usageHold } from "../../functions/core/usage-hold";

const hold = (now: string, missing: string[] = ["voice"], lastWorkingDay = 8) =>
  usageHold({ period: "2025-09", missing, now: new Date(now), lastWorkingDay, billDueWorkingDays: 10 });

describe("R-BILL-1: holding the bill for a missing usage file", () => {
  it("does not hold when every expected file is there", () => {
    expect(hold("2025-10-01T01:00:00+08:00", [])).toEqual({ hold: false });
  });

  it("holds on the 1st and looks again at the end of the first working day, 9 October", () => {
    expect(hold("2025-10-01T01:00:00+08:00")).toEqual({
      hold: true,
      recheckAt: "2025-10-09T17:00:00+08:00",
      lastBillingDay: "2025-10-17",
    });
  });

  it("after a check, looks again the next working day — the make-up Saturday counts", () => {
    expect(hold("2025-10-09T17:00:00+08:00")).toMatchObject({ recheckAt: "2025-10-10T17:00:00+08:00" });
    expect(hold("2025-10-10T17:00:00+08:00")).toMatchObject({ recheckAt: "2025-10-11T17:00:00+08:00" });
    expect(hold("2025-10-11T17:00:00+08:00")).toMatchObject({ recheckAt: "2025-10-13T17:00:00+08:00" });
  });

  it("earlier on a working day, looks again at that day's end", () => {
    expect(hold("2025-10-17T09:00:00+08:00")).toMatchObject({ recheckAt: "2025-10-17T17:00:00+08:00" });
  });

  it("stops holding at the check of working day 8, 17 October: the bill goes out with what it has", () => {
    expect(hold("2025-10-17T17:00:00+08:00")).toEqual({ hold: false });
    expect(hold("2025-10-18T01:00:00+08:00")).toEqual({ hold: false });
  });

  it("never waits past the bill's due day: a tunable of 12 working days stops at day 10, 21 October", () => {
    expect(hold("2025-10-20T17:00:00+08:00", ["sms"], 12)).toMatchObject({
      recheckAt: "2025-10-21T17:00:00+08:00",
      lastBillingDay: "2025-10-21",
    });
    expect(hold("2025-10-21T17:00:00+08:00", ["sms"], 12)).toEqual({ hold: false });
  });
});
