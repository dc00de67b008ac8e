/**
 * The synthesized workflows run on the local Step Functions runtime with stand-in handlers, on virtual
 * time: which states run, when each step happens relative to its deadline, and what reaches the Lambdas.
 * The stand-ins answer with the handler contract's shapes (docs/workflows.md); the real handlers are
 * exercised end to end elsewhere.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  type LocalHandler,
  loadStateMachinesFromTemplate,
  type RunReport,
  runDefinition,
} from "../../infra/local/sfn";
import { synthesizeTemplate } from "../../infra/synth-local";
import { HANDOVER_AFTER_DAYS, HANDOVER_LEAD_DAYS } from "../../workflows/renewal-watch";
import { type FunctionName, stateMachineNames } from "../../workflows/states";

const region = "ap-east-1";
const USAGE_BUCKET = "usage-bucket";
const accountId = "123456789012";
const DAY_MS = 86_400_000;
let definitions: Map<string, object>;

beforeAll(() => {
  const { stateMachines } = loadStateMachinesFromTemplate(synthesizeTemplate(), {
    region,
    accountId,
    repoRoot: process.cwd(),
    bucketNames: { usage: USAGE_BUCKET, mail: "mail-bucket" },
  });
  definitions = new Map(stateMachines.map((m) => [m.name, m.definition]));
});

interface Call {
  fn: FunctionName;
  at: string;
  payload: Record<string, unknown>;
}

type StandIn = (payload: Record<string, unknown>, tools: Parameters<LocalHandler>[1]) => unknown;

/** Runs `machine` with stand-ins keyed by function name; records every call with its virtual time. */
async function run(
  machine: string,
  input: object,
  start: string,
  standIns: Partial<Record<FunctionName, StandIn>>,
  readS3Object?: (bucket: string, key: string) => Promise<string>,
) {
  const calls: Call[] = [];
  const handlers: Record<string, LocalHandler> = {};
  for (const [fn, standIn] of Object.entries(standIns) as Array<[FunctionName, StandIn]>) {
    handlers[`arn:aws:lambda:${region}:${accountId}:function:ContractOps-${fn}`] = async (payload, tools) => {
      calls.push({ fn, at: tools.clock.now().toISOString(), payload: payload as Record<string, unknown> });
      return standIn(payload as Record<string, unknown>, tools);
    };
  }
  const definition = definitions.get(machine);
  if (!definition) throw new Error(`no ${machine}`);
  const report = await runDefinition({
    definition,
    input: JSON.stringify(input),
    handlers,
    start: new Date(start),
    region,
    accountId,
    ...(readS3Object ? { readS3Object } : {}),
  });
  return { report, calls, entered: enteredStates(report) };
}

function enteredStates(report: RunReport): string[] {
  return report.history
    .filter((e) => String(e.type).endsWith("StateEntered"))
    .map((e) => (e.stateEnteredEventDetails as { name: string }).name);
}

const callsOf = (calls: Call[], fn: FunctionName) => calls.filter((c) => c.fn === fn);
const iso = (text: string) => new Date(text).toISOString();

/** An await-callback stand-in answering each `awaiting` at the given virtual time (absent: never answers). */
function answers(plan: Partial<Record<string, Array<{ at: string; output: unknown } | null>>>): StandIn {
  const seen = new Map<string, number>();
  return (payload, { clock, stepFunctions }) => {
    const awaiting = String(payload.awaiting);
    const n = seen.get(awaiting) ?? 0;
    seen.set(awaiting, n + 1);
    const answer = plan[awaiting]?.[n];
    if (answer) {
      clock.schedule(new Date(answer.at), async () => {
        await stepFunctions.sendTaskSuccess({
          taskToken: String(payload.taskToken),
          output: JSON.stringify(answer.output),
        });
      });
    }
    return { registered: true };
  };
}

const START = "2025-08-31T17:00:00.000Z"; // 01:00 on 1 September, Asia/Shanghai
const sentBill = {
  sentAt: "2025-09-01T09:00:00+08:00",
  reminderAt: "2025-09-05T09:00:00+08:00",
  reconciliationDeadline: "2025-09-08T23:59:59+08:00",
  paymentDue: "2025-09-15T23:59:59+08:00",
  lateBill: false,
};
const payment = {
  paidAt: "2025-09-12T10:00:00+08:00",
  amount: "4000.00",
  invoiceDue: "2025-09-26T23:59:59+08:00",
};
const invoice = { invoicedAt: "2025-09-20T10:00:00+08:00", invoiceNumber: "25220000000012345678" };

const cycleStandIns = (awaitCallback: StandIn): Partial<Record<FunctionName, StandIn>> => ({
  "prepare-bill": () => ({
    billId: "B-1",
    billTotal: "4000.00",
    billDue: sentBill.paymentDue,
    lastPeriod: false,
  }),
  "send-bill": () => sentBill,
  "await-callback": awaitCallback,
  "send-reminder": () => ({ sent: true }),
  "record-missed-deadline": (p) =>
    p.missed === "reconciliation-reply"
      ? { recorded: true, reconciliation: { outcome: "no-reply" } }
      : { recorded: true },
  "open-re-reconciliation": () => ({ reReconciliationDeadline: "2025-09-19T23:59:59+08:00" }),
  "close-cycle": () => ({ closed: true, adjustmentNextPeriod: "0.00" }),
});

describe("MonthlyCycle", () => {
  const input = { contractId: "11NA0700211920254001", period: "2025-08" };

  it("R-RECON-5: no reply — reminder at the reminder time, deemed accepted at the deadline, payment and invoice go on", async () => {
    const { report, calls, entered } = await run(
      stateMachineNames.monthlyCycle,
      input,
      START,
      cycleStandIns(
        answers({
          payment: [{ at: payment.paidAt, output: payment }],
          invoice: [{ at: invoice.invoicedAt, output: invoice }],
        }),
      ),
    );
    expect(report.status).toBe("SUCCEEDED");
    expect(callsOf(calls, "send-reminder").map((c) => [c.at, c.payload])).toEqual([
      [iso(sentBill.reminderAt), { ...input, kind: "reconciliation" }],
    ]);
    const missed = callsOf(calls, "record-missed-deadline");
    expect(missed.map((c) => [c.at, c.payload.missed])).toEqual([
      [iso(sentBill.reconciliationDeadline), "reconciliation-reply"],
    ]);
    expect(entered).toContain("Deem the bill accepted without a reply");
    expect(entered).toContain("No re-reconciliation needed");
    expect(callsOf(calls, "close-cycle")[0]?.payload).toEqual({
      ...input,
      reconciliation: { outcome: "no-reply" },
      agreed: null,
      payment,
      invoice,
    });
    expect(entered.at(-1)).toBe("Cycle closed");
  });

  it("R-RECON-1, R-RECON-2: a reply before the reminder time — no reminder, nothing recorded as missed", async () => {
    const reply = {
      outcome: "within-tolerance",
      partyAAmount: "3900.00",
      receivedAt: "2025-09-03T10:00:00+08:00",
    };
    const { report, calls, entered } = await run(
      stateMachineNames.monthlyCycle,
      input,
      START,
      cycleStandIns(
        answers({
          "reconciliation-reply": [{ at: reply.receivedAt, output: reply }],
          payment: [{ at: payment.paidAt, output: payment }],
          invoice: [{ at: invoice.invoicedAt, output: invoice }],
        }),
      ),
    );
    expect(report.status).toBe("SUCCEEDED");
    expect(callsOf(calls, "send-reminder")).toEqual([]);
    expect(callsOf(calls, "record-missed-deadline")).toEqual([]);
    expect(entered).not.toContain("Keep waiting for the reconciliation reply until the deadline");
    expect(callsOf(calls, "close-cycle")[0]?.payload.reconciliation).toEqual(reply);
    const waits = callsOf(calls, "await-callback").map((c) => c.payload);
    expect(waits[0]).toMatchObject({ ...input, term: null, awaiting: "reconciliation-reply" });
  });

  it("R-RECON-5: a bill sent too late for a reminder waits straight for the deadline", async () => {
    const reply = { outcome: "confirmed", partyAAmount: "4000.00", receivedAt: "2025-09-08T10:00:00+08:00" };
    const { report, calls, entered } = await run(stateMachineNames.monthlyCycle, input, START, {
      ...cycleStandIns(
        answers({
          "reconciliation-reply": [{ at: reply.receivedAt, output: reply }],
          payment: [{ at: payment.paidAt, output: payment }],
          invoice: [{ at: invoice.invoicedAt, output: invoice }],
        }),
      ),
      "send-bill": () => ({ ...sentBill, reminderAt: null }),
    });
    expect(report.status).toBe("SUCCEEDED");
    expect(entered).not.toContain("Wait for Party A's reconciliation reply");
    expect(entered).toContain("Keep waiting for the reconciliation reply until the deadline");
    expect(callsOf(calls, "send-reminder")).toEqual([]);
  });

  it("R-RECON-3, R-RECON-4, R-PAY-2, R-INV-1: re-reconciliation beside an overdue payment and a late invoice", async () => {
    const reply = {
      outcome: "re-reconcile",
      partyAAmount: "3000.00",
      receivedAt: "2025-09-04T10:00:00+08:00",
    };
    const agreed = { agreedAmount: "3500.00", adjustment: "-500.00" };
    const latePayment = {
      ...payment,
      paidAt: "2025-10-20T10:00:00+08:00",
      invoiceDue: "2025-11-03T23:59:59+08:00",
    };
    const lateInvoice = { ...invoice, invoicedAt: "2025-11-10T10:00:00+08:00" };
    const { report, calls, entered } = await run(
      stateMachineNames.monthlyCycle,
      input,
      START,
      cycleStandIns(
        answers({
          "reconciliation-reply": [{ at: reply.receivedAt, output: reply }],
          "agreed-amount": [{ at: "2025-09-15T16:00:00+08:00", output: agreed }],
          payment: [null, { at: latePayment.paidAt, output: latePayment }],
          invoice: [null, { at: lateInvoice.invoicedAt, output: lateInvoice }],
        }),
      ),
    );
    expect(report.status).toBe("SUCCEEDED");
    expect(callsOf(calls, "open-re-reconciliation")[0]?.payload).toEqual({
      ...input,
      partyAAmount: reply.partyAAmount,
      receivedAt: reply.receivedAt,
    });
    expect(callsOf(calls, "record-missed-deadline").map((c) => [c.at, c.payload.missed])).toEqual([
      [iso(sentBill.paymentDue), "payment"],
      [iso(latePayment.invoiceDue), "invoice"],
    ]);
    expect(entered).toEqual(
      expect.arrayContaining([
        "Wait for the agreed amount",
        "Send the overdue notice and record the breach",
        "Keep waiting for the payment",
        "Record the late invoice as a breach",
        "Keep waiting for the VAT invoice",
      ]),
    );
    expect(callsOf(calls, "close-cycle")[0]?.payload).toEqual({
      ...input,
      reconciliation: reply,
      agreed,
      payment: latePayment,
      invoice: lateInvoice,
    });
  });

  it("R-PAY-2: a payment never recorded fails the execution (an alarm) before the one-year limit", async () => {
    const { report, calls } = await run(
      stateMachineNames.monthlyCycle,
      input,
      START,
      cycleStandIns(answers({})),
    );
    expect(report.status).toBe("FAILED");
    expect(report.error).toBe("ContractOps.PaymentNeverRecorded");
    const last = report.history.at(-1);
    expect(Date.parse(String(last?.timestamp)) - Date.parse(START)).toBeLessThan(365 * DAY_MS);
    expect(callsOf(calls, "close-cycle")).toEqual([]);
  });
});

describe("RenewalWatch", () => {
  const input = { contractId: "11NA0700211920254001", term: 1 };
  const plan = {
    termFirstDay: "2025-07-15",
    termLastDay: "2026-07-14",
    reminderAt: "2026-05-06T09:00:00+08:00",
    noticeDeadline: "2026-06-14T23:59:59+08:00",
    termEndsAt: "2026-07-14T23:59:59+08:00",
  };
  const standIns = (awaitCallback: StandIn): Partial<Record<FunctionName, StandIn>> => ({
    "plan-renewal-watch": () => plan,
    "send-renewal-reminder": () => ({ sent: true }),
    "await-callback": awaitCallback,
    "renew-term": (p) => ({ nextTerm: Number(p.term) + 1, started: true }),
    "continue-renewal-watch": () => ({ started: true }),
    "end-contract": () => ({ ended: true }),
  });

  it("R-TERM-2, R-NOTICE-3: reminder on the reminder date, no notice by the deadline — renewed at the deadline", async () => {
    const { report, calls, entered } = await run(
      stateMachineNames.renewalWatch,
      input,
      "2026-01-15T00:00:00Z",
      standIns(answers({})),
    );
    expect(report.status).toBe("SUCCEEDED");
    expect(callsOf(calls, "send-renewal-reminder").map((c) => [c.at, c.payload])).toEqual([
      [iso(plan.reminderAt), input],
    ]);
    expect(callsOf(calls, "await-callback")[0]?.payload).toMatchObject({
      ...input,
      period: null,
      awaiting: "written-notice",
    });
    expect(callsOf(calls, "renew-term").map((c) => [c.at, c.payload])).toEqual([
      [iso(plan.noticeDeadline), input],
    ]);
    expect(callsOf(calls, "end-contract")).toEqual([]);
    expect(entered.at(-1)).toBe("Renewed");
  });

  it("R-TERM-3, R-END-1: a written notice in time — the contract ends when the term ends", async () => {
    const notice = { kind: "registered-mail", deemedDeliveredOn: "2026-06-01", inTime: true };
    const { report, calls } = await run(
      stateMachineNames.renewalWatch,
      input,
      "2026-01-15T00:00:00Z",
      standIns(answers({ "written-notice": [{ at: "2026-06-02T10:00:00+08:00", output: notice }] })),
    );
    expect(report.status).toBe("SUCCEEDED");
    expect(callsOf(calls, "end-contract").map((c) => [c.at, c.payload])).toEqual([
      [iso(plan.termEndsAt), input],
    ]);
    expect(callsOf(calls, "renew-term")).toEqual([]);
  });

  it("R-TERM-4: a watch started a year ahead hands over to a fresh execution instead of outliving the one-year limit", async () => {
    const { report, calls, entered } = await run(
      stateMachineNames.renewalWatch,
      input,
      "2025-07-15T00:00:00+08:00",
      standIns(answers({})),
    );
    expect(report.status).toBe("SUCCEEDED");
    expect(callsOf(calls, "continue-renewal-watch").map((c) => [c.at, c.payload])).toEqual([
      [
        new Date(Date.parse(plan.reminderAt) - HANDOVER_LEAD_DAYS * DAY_MS).toISOString(),
        { ...input, handover: 1 },
      ],
    ]);
    expect(callsOf(calls, "send-renewal-reminder")).toEqual([]);
    expect(entered.at(-1)).toBe("Handed over to a fresh execution");
  });

  it("R-TERM-1: a reminder years away hands over after 180 days at most, and the next handover counts on", async () => {
    const start = "2025-07-15T00:00:00+08:00";
    const farPlan = { ...plan, reminderAt: "2028-05-01T09:00:00+08:00" };
    const far = { ...standIns(answers({})), "plan-renewal-watch": () => farPlan };
    const first = await run(stateMachineNames.renewalWatch, input, start, far);
    const handoverAt = Date.parse(start) + HANDOVER_AFTER_DAYS * DAY_MS;
    expect(callsOf(first.calls, "continue-renewal-watch").map((c) => [c.at, c.payload])).toEqual([
      [new Date(handoverAt).toISOString(), { ...input, handover: 1 }],
    ]);
    const second = await run(
      stateMachineNames.renewalWatch,
      { ...input, handover: 1 },
      new Date(handoverAt).toISOString(),
      far,
    );
    expect(callsOf(second.calls, "continue-renewal-watch").map((c) => c.payload)).toEqual([
      { ...input, handover: 2 },
    ]);
    expect(second.report.status).toBe("SUCCEEDED");
  });
});

/** The usage bucket as the kickoff's stand-ins see it: the list step writes, the ItemReader reads. */
function manifestStore() {
  const objects = new Map<string, string>();
  return {
    put: (key: string, contractIds: string[]) =>
      objects.set(`${USAGE_BUCKET}/${key}`, contractIds.map((id) => `{"contractId":"${id}"}\n`).join("")),
    read: async (bucket: string, key: string) => {
      const body = objects.get(`${bucket}/${key}`);
      if (body === undefined) throw new Error(`NoSuchKey: ${bucket}/${key}`);
      return body;
    },
  };
}

const contractIds = (n: number) => Array.from({ length: n }, (_, i) => `C-${String(i + 1).padStart(3, "0")}`);

describe("MonthlyKickoff", () => {
  it("R-BILL-1, R-PERIOD-1: one monthly cycle per active contract, for the month before the scheduled time, in batches of 10", async () => {
    const scheduledTime = "2025-08-31T17:00:00Z";
    const store = manifestStore();
    const { report, calls } = await run(
      stateMachineNames.monthlyKickoff,
      { scheduledTime },
      "2025-08-31T17:03:00Z",
      {
        "list-active-contracts": (p) => {
          store.put(String(p.manifestKey), contractIds(23));
          return { period: "2025-08", contractCount: 23, manifestKey: p.manifestKey };
        },
        "start-monthly-cycle": (p) => {
          const contracts = p.contracts as Array<{ contractId: string }>;
          return {
            period: p.period,
            contracts: contracts.length,
            // C-002 was started by an earlier delivery of the schedule.
            newlyStarted: contracts.filter((c) => c.contractId !== "C-002").length,
          };
        },
      },
      store.read,
    );
    expect(report.status).toBe("SUCCEEDED");
    expect(callsOf(calls, "list-active-contracts")[0]?.payload).toEqual({
      firesAt: scheduledTime,
      period: null,
      manifestKey: "kickoff/local-run.jsonl",
    });
    // 23 contracts at 10 per batch: 10 + 10 + 3, each batch one child execution and one invocation.
    const batches = callsOf(calls, "start-monthly-cycle").map((c) => c.payload);
    expect(batches.map((b) => (b.contracts as unknown[]).length).sort((a, b) => a - b)).toEqual([3, 10, 10]);
    expect(batches.every((b) => b.period === "2025-08")).toBe(true);
    expect(
      batches.flatMap((b) => (b.contracts as Array<{ contractId: string }>).map((c) => c.contractId)).sort(),
    ).toEqual(contractIds(23));
    expect(JSON.parse(report.output ?? "null")).toEqual({
      period: "2025-08",
      contracts: 23,
      started: 23,
      newlyStarted: 22,
    });
    const types = report.history.map((e) => e.type);
    expect(types).toContain("MapRunStarted");
    expect(types).toContain("MapRunSucceeded");
  });

  it("an operator's re-run passes the period through and falls back to the execution start time", async () => {
    const store = manifestStore();
    const { report, calls } = await run(
      stateMachineNames.monthlyKickoff,
      { period: "2025-07" },
      "2025-09-03T02:00:00Z",
      {
        "list-active-contracts": (p) => {
          store.put(String(p.manifestKey), []);
          return { period: p.period, contractCount: 0, manifestKey: p.manifestKey };
        },
        "start-monthly-cycle": () => ({ period: "2025-07", contracts: 1, newlyStarted: 1 }),
      },
      store.read,
    );
    expect(callsOf(calls, "list-active-contracts")[0]?.payload).toEqual({
      firesAt: "2025-09-03T02:00:00.000Z",
      period: "2025-07",
      manifestKey: "kickoff/local-run.jsonl",
    });
    expect(callsOf(calls, "start-monthly-cycle")).toEqual([]);
    expect(report.status).toBe("SUCCEEDED");
  });

  it("R-BILL-1: a batch that keeps failing does not stop the others; the kickoff then fails naming the count", async () => {
    const store = manifestStore();
    const { report, calls } = await run(
      stateMachineNames.monthlyKickoff,
      { scheduledTime: "2025-08-31T17:00:00Z" },
      "2025-08-31T17:03:00Z",
      {
        "list-active-contracts": (p) => {
          store.put(String(p.manifestKey), contractIds(25));
          return { period: "2025-08", contractCount: 25, manifestKey: p.manifestKey };
        },
        "start-monthly-cycle": (p) => {
          const contracts = p.contracts as Array<{ contractId: string }>;
          if (contracts.some((c) => c.contractId === "C-024")) {
            const error = new Error("MonthlyCycle not started for C-024 (2025-08): ThrottlingException");
            error.name = "CyclesNotStartedError";
            throw error;
          }
          return { period: p.period, contracts: contracts.length, newlyStarted: contracts.length };
        },
      },
      store.read,
    );
    // The batch C-021…C-025 is tried 1 + 3 times (the CyclesNotStartedError retrier), the other two once.
    const batches = callsOf(calls, "start-monthly-cycle").map((c) =>
      (c.payload.contracts as Array<{ contractId: string }>).map((x) => x.contractId),
    );
    expect(batches.filter((b) => b.includes("C-024"))).toHaveLength(4);
    expect(batches.filter((b) => !b.includes("C-024"))).toHaveLength(2);
    // 5 of 25 items failed = 20 %, within the tolerated 50 %: the Map Run succeeds, the check fails.
    expect(report.status).toBe("FAILED");
    expect(report.error).toBe("ContractOps.CyclesNotStarted");
    expect(report.cause).toMatch(/^5 of 25 contracts have no MonthlyCycle for 2025-08: /);
    const types = report.history.map((e) => e.type);
    expect(types.indexOf("MapRunSucceeded")).toBeGreaterThan(-1);
    expect(types.at(-2)).toBe("FailStateEntered");
    expect(types.at(-1)).toBe("ExecutionFailed");
  });
});
