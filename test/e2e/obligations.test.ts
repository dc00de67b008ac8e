/**
 * The contract's other obligations on one embedded stack. The breach register (R-BREACH-1, R-LIAB-1, R-FM-1):
 * the late payment the monthly cycle detects waits for a written notice; the cure clock runs from the notice's
 * deemed receipt (9.3); an objection leads to negotiation, silence to arbitration; the liability cap is what
 * Party A paid by the day. Party changes: a new bank account in force 10 days after its notice (R-BANK-1), a
 * new contact 10 days after its notice (R-NOTICE-4, 9.2). The bill is the harness's hand-computed small month, 4000.30, sent
 * 2025-10-01, payment due 2025-10-21.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError, UsageError } from "../../bin/ops/cli-kit";
import recordBreachNoticeCommand from "../../bin/ops/record-breach-notice";
import { getContract } from "../../functions/adapters/repository";
import { breachEntries } from "../../functions/adapters/repository/breaches";
import { stateMachineArnByName } from "../../functions/adapters/workflow";
import { breachRegister, recordBreachAnswer } from "../../functions/app/breach-register";
import { clockExecutionName } from "../../functions/app/obligation-clock";
import { OperationRejectedError, recordPayment } from "../../functions/app/operations";
import { recordBankChange, recordContactChange } from "../../functions/app/party-changes";
import { closeTicket, openTicket, serviceLevelSummary } from "../../functions/app/tickets";
import { handler as prepareBillHandler } from "../../functions/prepare-bill/handler";
import { handler as recordMissedHandler } from "../../functions/record-missed-deadline/handler";
import { handler as sendBillHandler } from "../../functions/send-bill/handler";
import type { EmbeddedApp } from "../../infra/local/app";
import { stateMachineNames } from "../../workflows/states";
import { tsxExit } from "../tsx-cli";
import { bootApp, PARTY_A, PARTY_B, runUntil, statesEntered, uploadSmallMonth } from "./harness";

let app: EmbeddedApp;
let contractId: string;
let contract: Awaited<ReturnType<typeof bootApp>>["contract"];
const period = "2025-09";
const latePayment = "2025-09:R-PAY-1";

const context = {
  functionName: "test",
  awsRequestId: "breach-register-test",
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Parameters<typeof sendBillHandler>[1];

const ops = (...args: string[]) =>
  tsxExit(["bin/ops.ts", ...args], { env: { ...process.env, ...app.stack.env } });

beforeAll(async () => {
  const booted = await bootApp("2025-10-01T01:00:00+08:00");
  app = booted.app;
  contract = booted.contract;
  contractId = contract.contractId;
  await uploadSmallMonth(booted.contract, period);
  await prepareBillHandler({ contractId, period }, context);
  await sendBillHandler({ contractId, period }, context);
  await runUntil(app, "2025-10-09T10:00:00+08:00");
  // A short payment: the bill stays open, the breach comes at the due date, and 4000.00 is paid.
  await recordPayment({ contractId, period, amount: "4000.00", date: "2025-10-09" });
  await runUntil(app, "2025-10-22T10:00:00+08:00");
  await recordMissedHandler({ contractId, period, missed: "payment" }, context);
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

const newAccount = "6225880112345678";
const newContact = "new.contact@partya.example";

describe("party changes at 2025-10-22 (R-BANK-1, 2.13, 9.2)", () => {
  it("R-BANK-1: Party B's new account notified 10-22 is in force from 11-01; the output masks it", async () => {
    const result = await recordBankChange({
      contractId,
      party: "partyB",
      account: {
        accountName: "中国移动通信集团吉林有限公司",
        bank: "招商银行长春分行",
        accountNumber: newAccount,
      },
      notifiedOn: "2025-10-22",
    });
    expect(result).toMatchObject({ effectiveFrom: "2025-11-01", changed: true });
    expect(JSON.stringify(result)).not.toContain(newAccount);
  });

  it("R-BANK-1: the rest of the bill paid on 10-22 into the new account, not yet in force, is flagged", async () => {
    const paid = await recordPayment({
      contractId,
      period,
      amount: "0.30",
      date: "2025-10-22",
      account: newAccount,
    });
    expect(paid.outcome).toBe("paid-in-full");
    expect(paid.account).toMatchObject({ notInForce: true });
    expect(paid.account?.inForce).toMatch(/0999$/);
  });

  it("R-NOTICE-4: Party A's new contact email notified 10-22 is in force from 11-01 (9.2: 10 days)", async () => {
    const result = await recordContactChange({
      contractId,
      party: "partyA",
      change: { email: newContact },
      notifiedOn: "2025-10-22",
    });
    expect(result).toMatchObject({ changed: true, effectiveFrom: "2025-11-01" });
    // Until then every email still goes to the contact the contract names.
    expect((await getContract(contractId)).contract.parties.partyA.contact.email).toBe(PARTY_A);
  });
});

describe("the breach register (R-BREACH-1, R-LIAB-1)", () => {
  it("a detected late payment awaits a written notice: no cure deadline counted from the system's email", async () => {
    const register = await breachRegister({ contractId, asOf: "2025-10-22" });
    expect(register.breaches).toEqual([
      expect.objectContaining({
        breachId: latePayment,
        rule: "R-PAY-1",
        party: "A",
        detectedOn: "2025-10-22",
        state: "awaiting-notice",
        cureDeadline: null,
      }),
    ]);
  });

  it("R-LIAB-1: the cap is what Party A paid by the day: 0.00 on 10-08, 4000.00 from 10-09, 4000.30 from 10-22", async () => {
    expect((await breachRegister({ contractId, asOf: "2025-10-08" })).liabilityCap).toBe("0.00");
    expect((await breachRegister({ contractId, asOf: "2025-10-21" })).liabilityCap).toBe("4000.00");
    expect((await breachRegister({ contractId, asOf: "2025-10-22" })).liabilityCap).toBe("4000.30");
  });

  it("record-breach-notice by express within the city: received day 3 (10-26), cure or object by 11-05", async () => {
    // Recorded the day it was dispatched: the operator function and the ops CLI judge dates by the stack's
    // clock (ADR 0036, ADR 0038).
    await runUntil(app, "2025-10-23T10:00:00+08:00");
    const { code, stdout } = await ops(
      "record-breach-notice",
      "--contract",
      contractId,
      "--breach",
      latePayment,
      "--method",
      "express",
      "--region",
      "same-city",
      "--dispatched",
      "2025-10-23",
      "--json",
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      breachId: latePayment,
      rule: "R-PAY-1",
      party: "A",
      method: "express",
      region: "same-city",
      sentOn: "2025-10-23",
      receivedOn: "2025-10-26",
      cureDeadline: "2025-11-05",
      clock: "started",
    });
    const register = await breachRegister({ contractId, asOf: "2025-10-25" });
    expect(register.breaches[0]).toMatchObject({ state: "notice-in-transit", cureDeadline: "2025-11-05" });
  });

  it("wrong values are refused in one line (exit 1), a missing region is a usage error (exit 2)", async () => {
    // The command in-process: bin/ops.ts turns InputError into exit 1 and UsageError into exit 2.
    const notice = (...args: string[]) =>
      recordBreachNoticeCommand.run(["--contract", contractId, "--breach", "sla-1", ...args]);
    await expect(
      notice("--method", "registered", "--region", "moon", "--dispatched", "2025-10-23"),
    ).rejects.toThrow(
      new InputError('--region "moon": expected one of same-city, mainland, hk-macao-taiwan, abroad'),
    );
    await expect(notice("--method", "express", "--dispatched", "2025-10-23")).rejects.toBeInstanceOf(
      UsageError,
    );
    await expect(notice("--method", "personal", "--received", "2025-11-01")).rejects.toThrow(
      new InputError("breach sla-1 is not in the register: a new breach needs --rule, --party and --what"),
    );
  });

  it("an objection within the period leads to negotiation (8.2), then arbitration (8.3)", async () => {
    await runUntil(app, "2025-11-03T10:00:00+08:00");
    const standing = await recordBreachAnswer({
      contractId,
      breachId: latePayment,
      answer: "objection",
      on: "2025-11-03",
    });
    expect(standing).toMatchObject({ state: "negotiation", late: false });
    await expect(
      recordBreachAnswer({ contractId, breachId: latePayment, answer: "cure", on: "2025-11-03" }),
    ).rejects.toThrow(OperationRejectedError);
  });

  it("a breach the system did not detect (R-SLA-2, Party B) lapses without an answer: arbitration at 长春仲裁委员会", async () => {
    const { code } = await ops(
      "record-breach-notice",
      "--contract",
      contractId,
      "--breach",
      "fault-2025-10-30",
      "--rule",
      "R-SLA-2",
      "--party",
      "B",
      "--what",
      "fault reported 2025-10-30 not fixed within 24 hours",
      "--method",
      "personal",
      "--received",
      "2025-11-01",
    );
    expect(code).toBe(0);
    const during = await breachRegister({ contractId, asOf: "2025-11-05" });
    expect(during.breaches.find((b) => b.breachId === "fault-2025-10-30")).toMatchObject({
      party: "B",
      state: "cure-period",
      cureDeadline: "2025-11-11",
      daysLeft: 7,
    });
    const after = await breachRegister({ contractId, asOf: "2025-11-12" });
    const lapsed = after.breaches.find((b) => b.breachId === "fault-2025-10-30");
    expect(lapsed?.state).toBe("lapsed");
    expect(lapsed?.next).toContain("长春仲裁委员会");
  });
});

describe("force majeure (R-FM-1)", () => {
  it("a flood from 11-01, a written request 12-02: either party may terminate from 12-13", async () => {
    const started = await ops(
      "record-force-majeure",
      "--contract",
      contractId,
      "--from",
      "2025-11-01",
      "--what",
      "flood cuts the line",
      "--json",
    );
    expect(started.code).toBe(0);
    expect(JSON.parse(started.stdout)).toMatchObject({
      from: "2025-11-01",
      to: null,
      negotiationOpensOn: "2025-11-30",
    });
    const ended = await ops(
      "record-force-majeure",
      "--contract",
      contractId,
      "--from",
      "2025-11-01",
      "--to",
      "2025-12-15",
      "--what",
      "flood cuts the line",
      "--negotiation-requested",
      "2025-12-02",
      "--json",
    );
    expect(ended.code).toBe(0);
    const register = await breachRegister({ contractId, asOf: "2025-12-13" });
    expect(register.forceMajeure).toEqual([
      expect.objectContaining({
        from: "2025-11-01",
        to: "2025-12-15",
        daysLasted: 43,
        negotiationEndsOn: "2025-12-12",
        terminationRightFrom: "2025-12-13",
        terminationRight: true,
      }),
    ]);
  });
});

describe("service-level tickets at 2025-11-03 (R-SLA-1, R-SLA-2)", () => {
  const at = (text: string) => new Date(text);

  it("a fault reported 10-30 22:30 is due 24 h later; closed 11-01 09:00 it is late: Party B's breach in the register", async () => {
    const opened = await openTicket({
      contractId,
      kind: "fault",
      openedAt: at("2025-10-30T22:30:00+08:00"),
      what: "line down",
    });
    expect(opened).toMatchObject({
      ticketId: "fault-20251030T2230",
      dueAt: "2025-10-31T22:30:00+08:00",
      party: "B",
    });
    const closed = await closeTicket({
      contractId,
      ticketId: opened.ticketId,
      closedAt: at("2025-11-01T09:00:00+08:00"),
      travelMinutes: 0,
    });
    expect(closed.standing).toBe("late");
    const register = await breachRegister({ contractId, asOf: "2025-11-03" });
    expect(register.breaches.find((b) => b.breachId === "ticket:fault-20251030T2230")).toMatchObject({
      rule: "R-SLA-2",
      party: "B",
      state: "awaiting-notice",
    });
  });

  it("an end-user complaint Party A has not answered within 24 h shows in the register against Party A (2.26)", async () => {
    await openTicket({
      contractId,
      kind: "end-user-complaint",
      openedAt: at("2025-11-02T08:00:00+08:00"),
      what: "caller complaint",
    });
    const register = await breachRegister({ contractId, asOf: "2025-11-03" });
    expect(
      register.breaches.find((b) => b.breachId === "ticket:end-user-complaint-20251102T0800"),
    ).toMatchObject({
      rule: "R-SLA-2",
      party: "A",
      detectedOn: "2025-11-03",
    });
    expect(
      (await breachRegister({ contractId, asOf: "2025-11-02" })).breaches.map((b) => b.breachId),
    ).not.toContain("ticket:end-user-complaint-20251102T0800");
  });

  it("October's SMS gateway faults: (7 h − 30 min travel + 4 h 30 min) / 2 = 330 min, within 6 h (3.18)", async () => {
    const first = await openTicket({
      contractId,
      kind: "sms-gateway-fault",
      openedAt: at("2025-10-05T10:00:00+08:00"),
      what: "gateway",
    });
    expect(first.dueAt).toBeNull();
    await closeTicket({
      contractId,
      ticketId: first.ticketId,
      closedAt: at("2025-10-05T17:00:00+08:00"),
      travelMinutes: 30,
    });
    const second = await openTicket({
      contractId,
      kind: "sms-gateway-fault",
      openedAt: at("2025-10-12T10:00:00+08:00"),
      what: "gateway",
    });
    await closeTicket({
      contractId,
      ticketId: second.ticketId,
      closedAt: at("2025-10-12T14:30:00+08:00"),
      travelMinutes: 0,
    });
    const summary = await serviceLevelSummary({ contractId, period: "2025-10" });
    expect(summary.smsGateway).toEqual({
      faults: 2,
      averageRepairMinutes: 330,
      limitMinutes: 360,
      met: true,
    });
    expect(summary.tickets.map((t) => [t.ticketId, t.standing])).toEqual(
      expect.arrayContaining([["fault-20251030T2230", "late"]]),
    );
  });

  it("a ticket is closed once; travel time only counts for an SMS gateway fault", async () => {
    await expect(
      closeTicket({
        contractId,
        ticketId: "fault-20251030T2230",
        closedAt: at("2025-11-02T09:00:00+08:00"),
        travelMinutes: 0,
      }),
    ).rejects.toThrow(OperationRejectedError);
    await openTicket({
      contractId,
      kind: "complaint",
      openedAt: at("2025-11-03T09:00:00+08:00"),
      what: "billing question",
    });
    await expect(
      closeTicket({
        contractId,
        ticketId: "complaint-20251103T0900",
        closedAt: at("2025-11-03T09:30:00+08:00"),
        travelMinutes: 20,
      }),
    ).rejects.toThrow("--travel-minutes only applies to an SMS gateway fault (3.18)");
  });
});

describe("after the changes", () => {
  it("the October statement goes to Party A's new contact and names the new account (R-BANK-1)", async () => {
    await runUntil(app, "2025-11-04T10:00:00+08:00");
    await uploadSmallMonth(contract, "2025-10");
    await prepareBillHandler({ contractId, period: "2025-10" }, context);
    await sendBillHandler({ contractId, period: "2025-10" }, context);
    const statements = (await app.stack.sentEmails()).filter((e) => e.subject.startsWith("2025年10月账单"));
    expect(statements.map((e) => e.to)).toEqual([[newContact]]);
    expect(statements[0]?.text).toContain(newAccount);
    expect(statements[0]?.text).not.toContain("431901341210999");
  });
});

describe("ObligationClock: the deadlines run as workflows (R-BREACH-1, R-SLA-2)", () => {
  it("fault-2025-10-30's cure period: a reminder on 11-10 and the lapse after 11-11, to both contacts", async () => {
    await runUntil(app, "2025-11-12T10:00:00+08:00");
    const mails = (await app.stack.sentEmails()).filter((e) => e.subject.includes("违约纠正期限"));
    expect(mails.map((e) => [e.subject.split("：")[0], e.to])).toEqual([
      ["违约纠正期限明日届满", [newContact, PARTY_B]],
      ["违约纠正期限已届满", [newContact, PARTY_B]],
    ]);
    // What Party A reads names clauses in words, never rule IDs.
    expect(mails.map((e) => e.text).join("\n")).not.toMatch(/R-[A-Z]+-\d/);
    expect(mails[1]?.text).toContain("长春仲裁委员会");
    const arn = await stateMachineArnByName(stateMachineNames.obligationClock);
    const { executions } = await app.stepFunctions.listExecutions({ stateMachineArn: arn as string });
    const byName = (name: string) => executions.find((e) => e.name === name)?.executionArn as string;
    expect(
      await statesEntered(app, byName(clockExecutionName(contractId, "cure", "fault-2025-10-30"))),
    ).toEqual([
      "Read the obligation and its deadline",
      "Is there a reminder before the deadline?",
      "Wait until the reminder day",
      "Remind both parties of the deadline",
      "Wait for the answer until the deadline",
      "Record that the deadline passed",
      "Deadline passed",
    ]);
    // The late payment was objected to on 11-03: its clock ended with the answer, without a reminder.
    expect(await statesEntered(app, byName(clockExecutionName(contractId, "cure", latePayment)))).toEqual([
      "Read the obligation and its deadline",
      "Is there a reminder before the deadline?",
      "Wait until the reminder day",
      "Remind both parties of the deadline",
      "Wait for the answer until the deadline",
      "Answered before the deadline",
    ]);
  });

  it("a complaint still open at its 48 h deadline is written to the register by its clock (3.18, Party B)", async () => {
    const stored = await breachEntries(contractId);
    expect(stored.find((e) => e.breachId === "ticket:complaint-20251103T0900")).toMatchObject({
      rule: "R-SLA-2",
      party: "B",
      detectedOn: "2025-11-05",
    });
  });
});
