/**
 * What-if scenarios that change one of the contract's tunables (`contractPatch`), played on the embedded
 * stack: the system must read the patched value, not a table or a number in code. Bills have no usage: the
 * monthly fee alone, 4000.00 (R-PRICE-1). Expected values are worked out by hand from the contract text
 * (9.3 deemed delivery, 10.1 thirty days before expiry, 4.6 five working days) and the 2025 official
 * calendar (R-WD-1: 1–8 October off, Saturday 11 October worked).
 */
import { describe, expect, it } from "vitest";
import { loadContract } from "../../functions/core/contract";
import { assessNotice } from "../../functions/core/notices";
import { renewalRulesFrom } from "../../functions/core/renewal";
import { PARTY_A, PARTY_B, periodRow, playScenarioWithMail, SAMPLE_CONTRACT } from "./harness";

const RUN = 180_000;

describe("scenario: the deemed-delivery table is read from the contract (R-NOTICE-2, 9.3; R-TERM-3)", () => {
  it(
    "registered mail within the mainland patched to day 7: dispatched 2026-06-05, deemed delivered 2026-06-12, in time — the contract ends 2026-07-14 (under the signed day 14 it would be 2026-06-19, late)",
    async () => {
      // Term 1 runs 2025-07-15 – 2026-07-14 (R-TERM-4); a non-renewal notice must be deemed delivered on or
      // before 2026-07-14 − 30 days = 2026-06-14 (10.1). Patched: 2026-06-05 + 7 = 2026-06-12, 2 days early.
      const { report, sent } = await playScenarioWithMail("scenarios/deemed-delivery-what-if.json");
      const notice = report.operations.find((o) => o.operation === "record-notice");
      expect(notice).toMatchObject({ outcome: "done", at: "2026-06-08T10:00:00+08:00" });
      expect(notice?.detail).toBe(
        "term 1: deemed delivered 2026-06-12, in time (deadline 2026-06-14); the contract ends 2026-07-14",
      );
      expect(report.contract).toEqual({ status: "ended", lastDay: "2026-07-14" });
      expect(report.terms).toEqual([{ term: 1, outcome: "ended" }]);
      expect(report.renewal).toMatchObject({ outcome: "ended", nextTermFirstDay: null });
      for (const period of ["2026-04", "2026-05", "2026-06"])
        expect(periodRow(report, period)).toMatchObject({ billTotal: "4000.00", closed: true });
      // The renewal reminder (R-NOTICE-3, sent 2026-05-01 to both contacts) prints the patched table: the
      // last day to post registered mail within the mainland is 2026-06-14 − 7 = 2026-06-07.
      const reminders = sent.filter((e) => e.subject.startsWith("续约提醒"));
      expect(reminders).toHaveLength(1);
      expect(reminders[0]?.to).toEqual(expect.arrayContaining([PARTY_A, PARTY_B]));
      expect(reminders[0]?.text).toContain(
        "挂号信（国内其他地区）：发出后第 7 日视为送达，最迟 2026年6月7日发出",
      );
      expect(reminders[0]?.text).not.toContain("挂号信（国内其他地区）：发出后第 14 日");
      // The same notice under the signed table (9.3(4): 发往国内其他地区的，邮寄后第14日视为送达):
      // 2026-06-05 + 14 = 2026-06-19, 5 days after 2026-06-14 — the outcome the patch changed.
      const signed = await loadContract(SAMPLE_CONTRACT);
      expect(
        assessNotice({
          method: "registered",
          region: "mainland",
          dispatched: "2026-06-05",
          deadline: "2026-06-14",
          table: renewalRulesFrom(signed.rules).deemedDeliveryDays,
        }),
      ).toEqual({ deemedDeliveredOn: "2026-06-19", inTime: false, daysLate: 5 });
    },
    RUN,
  );
});

describe("scenario: the reconciliation reminder day is read from the contract (R-RECON-5, R-RECON-1)", () => {
  it(
    "reminder 3 working days before the deadline: September's bill of 1 October is due 14 October, the reminder goes on Friday 10 October at 09:00",
    async () => {
      const { report, sent, audit, outbox } = await playScenarioWithMail(
        "scenarios/reconciliation-reminder-what-if.json",
      );
      const september = periodRow(report, "2025-09");
      // 5 working days after Wednesday 1 October (a holiday, not counted, R-WD-2): 9, 10, 11 (make-up
      // Saturday), 13, 14 October → due 14 October.
      expect(september).toMatchObject({
        billSentAt: "2025-10-01T01:00:00+08:00",
        reconciliationDeadline: "2025-10-14T23:59:59+08:00",
        reconciliation: "no-reply",
      });
      // Counting back over working days from 14 October: 13 (Monday), 11 (the make-up Saturday), 10 (Friday).
      // The signed value (1) would give 13 October; Monday-to-Friday arithmetic would give Thursday 9 October.
      const reminders = audit.filter(
        (e) => e.rule === "R-RECON-5" && e.what === "reconciliation reminder sent",
      );
      // The audit trail stamps instants in UTC: 09:00 Asia/Shanghai.
      expect(reminders.map((e) => Date.parse(e.at))).toEqual([Date.parse("2025-10-10T09:00:00+08:00")]);
      const emails = sent.filter((e) => e.subject.startsWith("提醒：2025年9月账单对账"));
      expect(emails).toHaveLength(1);
      expect(emails[0]?.to).toEqual([PARTY_A]);
      expect(emails[0]?.subject).toContain("2025年10月14日截止");
      // The email SES took is the one the outbox sent then (the emulator's own stamp is wall-clock time).
      const reminder = outbox.find((o) => o.emailKey === "reconciliation-reminder#2025-09");
      expect(reminder?.messageId).toBe(emails[0]?.messageId);
      expect(Date.parse(reminder?.sentAt ?? "")).toBe(Date.parse("2025-10-10T09:00:00+08:00"));
      // No reply: deemed accepted (R-RECON-5) and paid and invoiced as usual.
      expect(september).toMatchObject({ paid: "4000.00", breaches: [], closed: true });
    },
    RUN,
  );
});
