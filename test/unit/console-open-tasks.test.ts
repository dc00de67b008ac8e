/**
 * What the console lists as waiting, for whom and until when (R-BILL-1, R-RECON-1, R-RECON-3/4, R-PAY-1,
 * R-INV-1, R-TRIAL-1, R-TERM-3). The cycles are written by hand with the 2025-10 deadlines of the README's
 * table (bill sent Saturday 2025-11-01: reply by 11-07, payment by 11-14).
 */
import { describe, expect, it } from "vitest";
import type { AuditEvent, CycleRecord, TermRecord } from "../../functions/adapters/repository";
import {
  byUrgency,
  openTaskOfTerm,
  openTasksOfBreaches,
  openTasksOfCycle,
  openTasksOfHeldBills,
  openTasksOfTickets,
} from "../../functions/app/console-model";

const sent: CycleRecord = {
  contractId: "C1",
  period: "2025-10",
  billId: "C1#2025-10",
  billTotalFen: 400030n,
  billDue: "2025-11-14T23:59:59+08:00",
  billDueProvisional: false,
  statement: null,
  lastPeriod: false,
  sentAt: "2025-11-01T01:00:00+08:00",
  reconciliationDeadline: "2025-11-07T23:59:59+08:00",
  paymentDue: "2025-11-14T23:59:59+08:00",
};
const at = (instant: string) => new Date(instant);

describe("open tasks of a cycle (acceptance)", () => {
  it("a bill not yet sent waits for Party B until the bill's deadline (R-BILL-1)", () => {
    const { sentAt: _s, reconciliationDeadline: _r, paymentDue: _p, ...unsent } = sent;
    expect(openTasksOfCycle(unsent, at("2025-11-01T00:30:00+08:00"))).toEqual([
      {
        contractId: "C1",
        period: "2025-10",
        waitsFor: "bill",
        owedBy: "B",
        deadline: "2025-11-14T23:59:59+08:00",
        rule: "R-BILL-1",
        overdue: false,
      },
    ]);
  });

  it("a sent bill waits for Party A's reply; after the deadline it is overdue", () => {
    const [before] = openTasksOfCycle(sent, at("2025-11-02T00:00:00+08:00"));
    expect(before).toMatchObject({
      waitsFor: "reconciliation-reply",
      owedBy: "A",
      rule: "R-RECON-1",
      overdue: false,
    });
    const [after] = openTasksOfCycle(sent, at("2025-11-08T00:00:00+08:00"));
    expect(after?.overdue).toBe(true);
  });

  it("beyond 5 % the re-reconciliation waits beside the payment (R-RECON-3, R-RECON-4)", () => {
    const disputed: CycleRecord = {
      ...sent,
      reconciliation: { outcome: "re-reconcile", partyAAmountFen: 300000n },
      reReconciliationDeadline: "2025-11-21T23:59:59+08:00",
    };
    const tasks = openTasksOfCycle(disputed, at("2025-11-10T00:00:00+08:00"));
    expect(tasks.map((t) => [t.waitsFor, t.owedBy, t.rule])).toEqual([
      ["agreed-amount", "B", "R-RECON-3"],
      ["payment", "A", "R-PAY-1"],
    ]);
  });

  it("a paid bill waits for Party B's invoice until 10 working days after the payment (R-INV-1)", () => {
    const paid: CycleRecord = {
      ...sent,
      reconciliation: { outcome: "confirmed" },
      payment: {
        paidAt: "2025-11-10T10:00:00+08:00",
        amountFen: 400030n,
        invoiceDue: "2025-11-24T23:59:59+08:00",
      },
    };
    expect(openTasksOfCycle(paid, at("2025-11-11T00:00:00+08:00"))).toMatchObject([
      { waitsFor: "invoice", owedBy: "B", deadline: "2025-11-24T23:59:59+08:00", rule: "R-INV-1" },
    ]);
  });

  it("sorts overdue first, then the nearest deadline", () => {
    const late = openTasksOfCycle(sent, at("2025-11-08T00:00:00+08:00"))[0];
    const notice = openTaskOfTerm({
      contractId: "C1",
      term: 1,
      firstDay: "2025-07-15",
      lastDay: "2026-07-14",
      noticeDeadline: "2026-06-14T23:59:59+08:00",
    } as TermRecord)[0];
    if (!late || !notice) throw new Error("expected tasks");
    expect([notice, late].sort(byUrgency).map((t) => t.waitsFor)).toEqual([
      "reconciliation-reply",
      "non-renewal-notice",
    ]);
  });
});

describe("open tasks of a cycle (rejection: nothing waits)", () => {
  it("a closed cycle waits for nothing", () => {
    expect(
      openTasksOfCycle({ ...sent, closedAt: "2025-11-20T10:00:00+08:00" }, at("2025-11-21T00:00:00+08:00")),
    ).toEqual([]);
  });

  it("a 0.00 bill (trial, R-TRIAL-1) awaits no payment and no invoice once reconciled", () => {
    const trial: CycleRecord = { ...sent, billTotalFen: 0n, reconciliation: { outcome: "confirmed" } };
    expect(openTasksOfCycle(trial, at("2025-11-20T00:00:00+08:00"))).toEqual([]);
  });

  it("a term with a notice recorded or an outcome waits for no notice; none is ever overdue (R-TERM-2)", () => {
    const term = {
      contractId: "C1",
      term: 1,
      firstDay: "2025-07-15",
      lastDay: "2026-07-14",
      noticeDeadline: "2026-06-14T23:59:59+08:00",
    } as TermRecord;
    expect(openTaskOfTerm({ ...term, outcome: "renewed" })).toEqual([]);
    expect(openTaskOfTerm(undefined)).toEqual([]);
    expect(openTaskOfTerm(term)[0]?.overdue).toBe(false);
  });
});

describe("open tickets and breaches in their cure period as tasks (R-SLA-2, R-BREACH-1)", () => {
  const ticket = (ticketId: string, fields: Record<string, unknown>) =>
    ({
      ticketId,
      kind: "fault",
      openedAt: "2025-10-10T10:00:00+08:00",
      dueAt: "2025-10-11T10:00:00+08:00",
      provisional: false,
      what: "外呼失败",
      party: "B",
      standing: "open",
      ...fields,
    }) as Parameters<typeof openTasksOfTickets>[1][number];

  it("an open ticket waits for the party its clause binds until its deadline; past it, overdue (3.4: 24 h)", () => {
    const tasks = openTasksOfTickets(
      "C1",
      [
        ticket("fault-20251010T1000", {}),
        ticket("end-user-complaint-20251027T0900", {
          kind: "end-user-complaint",
          party: "A",
          dueAt: "2025-10-28T09:00:00+08:00",
        }),
      ],
      at("2025-10-28T10:00:00+08:00"),
    );
    expect(tasks.map((t) => [t.waitsFor, t.owedBy, t.deadline, t.rule, t.overdue])).toEqual([
      ["ticket", "B", "2025-10-11T10:00:00+08:00", "R-SLA-2", true],
      ["ticket", "A", "2025-10-28T09:00:00+08:00", "R-SLA-2", true],
    ]);
  });

  it("a closed ticket and an SMS-gateway fault (judged on the month's average, 3.18) wait for nothing", () => {
    const tasks = openTasksOfTickets(
      "C1",
      [
        ticket("fault-20251009T0900", { closedAt: "2025-10-09T20:00:00+08:00" }),
        ticket("sms-gateway-fault-20251011T0800", { kind: "sms-gateway-fault", dueAt: null }),
      ],
      at("2025-10-28T10:00:00+08:00"),
    );
    expect(tasks).toEqual([]);
  });

  it("a breach in its cure period waits for the breaching party until the end of the cure deadline (5.1)", () => {
    const entry = (breachId: string, state: string, cureDeadline: string | null) => ({
      breachId,
      rule: "R-PAY-1",
      party: "A" as const,
      what: "late payment",
      detectedOn: "2025-10-16",
      notice: null,
      curedOn: null,
      objectedOn: null,
      state,
      cureDeadline,
      daysLeft: null,
      late: false,
      next: "",
    });
    const register = {
      contractId: "C1",
      asOf: "2025-10-20",
      liabilityCap: "0.00",
      arbitration: "长春仲裁委员会",
      breaches: [
        entry("a", "cure-period", "2025-10-26"),
        entry("b", "lapsed", "2025-10-10"),
        entry("c", "awaiting-notice", null),
        entry("d", "negotiation", "2025-10-24"),
      ],
      forceMajeure: [],
    } as unknown as Parameters<typeof openTasksOfBreaches>[1];
    expect(openTasksOfBreaches("C1", register)).toEqual([
      {
        contractId: "C1",
        period: null,
        waitsFor: "breach-answer",
        owedBy: "A",
        deadline: "2025-10-26T23:59:59+08:00",
        rule: "R-BREACH-1",
        overdue: false,
      },
    ]);
  });
});

describe("a bill held for a missing usage file as a task (R-BILL-1, ADR 0044)", () => {
  // The hold's audit event as the bill step writes it on 1 December 2025 at 01:00 for November: the voice
  // file missing, checked each working day at 17:00 until working day 8 after the period. December 2025's
  // working days (Mon–Fri, no holiday before 12-25): 1, 2, 3, 4, 5, 8, 9, 10 → the last check is 12-10 17:00.
  const held: AuditEvent = {
    at: "2025-12-01T01:00:00+08:00",
    contractId: "C1",
    period: "2025-11",
    who: "system",
    what: "bill held for the missing usage file(s) voice: checked each working day until 2025-12-10",
    rule: "R-BILL-1",
    details: { missingUsage: ["voice"], lastCheckAt: "2025-12-10T17:00:00+08:00" },
  };

  it("waits for Party B's usage file until the last check, then is overdue (acceptance)", () => {
    expect(openTasksOfHeldBills("C1", [held], [], at("2025-12-02T09:00:00+08:00"))).toEqual([
      {
        contractId: "C1",
        period: "2025-11",
        waitsFor: "usage-file",
        owedBy: "B",
        deadline: "2025-12-10T17:00:00+08:00",
        rule: "R-BILL-1",
        overdue: false,
      },
    ]);
    const [late] = openTasksOfHeldBills("C1", [held], [], at("2025-12-10T17:00:01+08:00"));
    expect(late?.overdue).toBe(true);
  });

  it("nothing waits once the period's bill exists, or for an event that is not a hold (rejection)", () => {
    expect(
      openTasksOfHeldBills("C1", [held], [{ ...sent, period: "2025-11" }], at("2025-12-02T09:00:00+08:00")),
    ).toEqual([]);
    const { details: _d, ...withoutDetails } = held;
    expect(openTasksOfHeldBills("C1", [withoutDetails], [], at("2025-12-02T09:00:00+08:00"))).toEqual([]);
    expect(
      openTasksOfHeldBills(
        "C1",
        [{ ...held, details: { lastCheckAt: 17 } }],
        [],
        at("2025-12-02T09:00:00+08:00"),
      ),
    ).toEqual([]);
  });
});
