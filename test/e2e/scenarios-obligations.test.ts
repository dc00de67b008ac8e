/**
 * Shipped scenarios of the obligation registers, each played on the embedded stack as `npm start --
 * --scenario` plays it. Bills have no usage: the monthly fee alone, 4000.00 (R-PRICE-1). Expected values are
 * hand counts from the contract text: 5.1 (10 days from receipt), 9.3 (express in the city: day 3), 5.3
 * (the cap is what Party A paid), 7.3 (30 days, then 10 days from the written request), 3.4 (24 h), 3.18
 * (6 h average, travel not counted), 2.26 (24 h), 4.9 (10 days' notice of an account change).
 */
import { describe, expect, it } from "vitest";
import { playScenario } from "./harness";

const RUN = 240_000;

describe("scenario: breach register (R-BREACH-1, R-LIAB-1, R-FM-1)", () => {
  it(
    "the late payment's notice lapses after 09-30; the objected breach is in negotiation; the flood gives a right to terminate from 10-17; the cap is 8000.00",
    async () => {
      const report = await playScenario("scenarios/breach-register.json");
      const { breachRegister } = report.obligations;
      expect(breachRegister.asOf).toBe("2025-10-31");
      // August paid 09-25 (4000.00); September's bill, received 10-01, paid 6 working days on
      // (10-09, 10, 11 (Saturday worked), 13, 14, 15): 4000.00 + 4000.00.
      expect(breachRegister.liabilityCap).toBe("8000.00");
      const late = breachRegister.breaches.find((b) => b.breachId === "2025-08:R-PAY-1");
      // Dispatched 09-17 by express in the city: received 09-20 (day 3); 10 days: 09-30.
      expect(late).toMatchObject({
        party: "A",
        notice: { receivedOn: "2025-09-20", cureDeadline: "2025-09-30" },
        state: "lapsed",
      });
      expect(late?.next).toContain("长春仲裁委员会");
      expect(breachRegister.breaches.find((b) => b.breachId === "2025-09-statement-detail")).toMatchObject({
        rule: "R-BILL-1",
        party: "B",
        cureDeadline: "2025-10-20",
        objectedOn: "2025-10-16",
        state: "negotiation",
      });
      // 09-01..10-05 is 35 days (≥ 30); request sent 10-06 + 10 days = 10-16; terminate from 10-17.
      expect(breachRegister.forceMajeure).toEqual([
        expect.objectContaining({
          from: "2025-09-01",
          to: "2025-10-05",
          daysLasted: 35,
          negotiationEndsOn: "2025-10-16",
          terminationRightFrom: "2025-10-17",
          terminationRight: true,
        }),
      ]);
      // A cure after an objection is refused in one line: 5.1 offers one or the other.
      const cure = report.operations.find((o) => o.operation === "record-cure");
      expect(cure).toMatchObject({ outcome: "refused" });
      expect(cure?.detail).toContain("already has an objection recorded (2025-10-16)");
      // The cure clock ran as a workflow: reminder on 09-29, lapse after 09-30.
      expect(report.executions.filter((e) => e.stateMachine === "ContractOps-ObligationClock")).toEqual(
        expect.arrayContaining([
          {
            name: "11NA0700211920254001-cure-2025-08_R-PAY-1",
            stateMachine: "ContractOps-ObligationClock",
            status: "SUCCEEDED",
          },
        ]),
      );
    },
    RUN,
  );
});

describe("scenario: service levels (R-SLA-1, R-SLA-2)", () => {
  it(
    "a fault closed after 26 h is Party B's breach; the gateway averages 405 min against 360; an end-user complaint open past 24 h is Party A's",
    async () => {
      const report = await playScenario("scenarios/service-levels.json");
      const september = report.obligations.serviceLevels.find((s) => s.period === "2025-09");
      // (7 h − 60 min travel) = 360 min and 7 h 30 min = 450 min: (360 + 450) / 2 = 405 min.
      expect(september?.smsGateway).toEqual({
        faults: 2,
        averageRepairMinutes: 405,
        limitMinutes: 360,
        met: false,
      });
      expect(september?.tickets.map((t) => [t.ticketId, t.standing])).toEqual(
        expect.arrayContaining([
          ["fault-20250904T0900", "met"],
          ["fault-20250906T1000", "late"],
          ["end-user-complaint-20250925T0900", "overdue"],
        ]),
      );
      // September's bill email (sent 10-01) summarises them: 5 opened, 4 closed in September; the gateway's
      // 405 min against 360 (3.18); the late fault is Party B's (3.4), the open complaint Party A's (2.26).
      expect(report.obligations.billNotes.find((n) => n.period === "2025-09")?.serviceLevels).toEqual({
        opened: 5,
        closed: 4,
        smsGateway: { faults: 2, averageRepairMinutes: 405, limitMinutes: 360, met: false },
        late: [
          { kind: "故障", party: "B", clause: "合同第三条3.4款", count: 1 },
          { kind: "终端用户投诉", party: "A", clause: "合同第二条2.26款", count: 1 },
        ],
      });
      const breaches = report.obligations.breachRegister.breaches;
      expect(breaches.find((b) => b.breachId === "ticket:fault-20250906T1000")).toMatchObject({
        rule: "R-SLA-2",
        party: "B",
        detectedOn: "2025-09-07",
      });
      // Due 09-26 09:00 (24 h, 2.26): the clock wrote Party A's breach then.
      expect(breaches.find((b) => b.breachId === "ticket:end-user-complaint-20250925T0900")).toMatchObject({
        rule: "R-SLA-2",
        party: "A",
        detectedOn: "2025-09-26",
      });
    },
    RUN,
  );
});

describe("scenario: party changes (R-BANK-1, 2.13, 9.2)", () => {
  it(
    "the account notified 09-10 is in force from 09-20; a mistyped account is refused without repeating it",
    async () => {
      const report = await playScenario("scenarios/party-changes.json");
      const [mistyped, bank, contact] = report.operations.filter((o) =>
        ["record-bank-change", "record-contact-change"].includes(o.operation),
      );
      expect(mistyped).toMatchObject({
        operation: "record-bank-change",
        outcome: "refused",
        detail: '--account "…": expected an account number of 8–32 digits',
      });
      expect(bank?.outcome).toBe("done");
      expect(JSON.parse(bank?.detail ?? "{}")).toMatchObject({
        account: `${"*".repeat(12)}5678`,
        notifiedOn: "2025-09-10",
        effectiveFrom: "2025-09-20",
      });
      expect(JSON.parse(contact?.detail ?? "{}")).toMatchObject({
        party: "partyB",
        contact: { name: "李明" },
      });
      // Both bills went out and were paid: the change did not disturb the cycle.
      expect(report.periods.map((p) => [p.period, p.billTotal, p.outstanding])).toEqual([
        ["2025-08", "4000.00", "0.00"],
        ["2025-09", "4000.00", "0.00"],
      ]);
    },
    RUN,
  );
});
