/**
 * SES invokes the inbound Lambda asynchronously, at least once (Lambda: asynchronous invocation retries
 * a failed event twice; any event may arrive more than once). A redelivered or retried event is the
 * same reply (R-RECON-1): one decision, one acknowledgement to Party A, and no "duplicate message"
 * notice to Party B — that notice is for a second message, not a second delivery of one.
 */
import { afterEach, describe, expect, it } from "vitest";
import { auditHistory, getCycle, registerContract } from "../../functions/adapters/repository";
import { loadContract } from "../../functions/core/contract";
import { type EmbeddedApp, startEmbeddedApp } from "../../infra/local/app";
import type { FaultPlan } from "../../infra/local/faults";
import {
  emailsTo,
  PARTY_A,
  PARTY_B,
  replyAsPartyA,
  runUntil,
  SAMPLE_CONTRACT,
  startCycle,
  statementEmail,
  statesEntered,
  uploadSmallMonth,
} from "./harness";

const PERIOD = "2025-09";
let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function billed(faults: FaultPlan) {
  app = await startEmbeddedApp({ start: new Date("2025-10-01T01:00:00+08:00"), schedule: false, faults });
  const contract = await loadContract(SAMPLE_CONTRACT);
  await registerContract(contract);
  await uploadSmallMonth(contract, PERIOD);
  const executionArn = await startCycle(app, contract.contractId, PERIOD);
  await runUntil(app, "2025-10-09T10:00:00+08:00");
  const statement = await statementEmail(app, PERIOD);
  return { app, contractId: contract.contractId, executionArn, replyTo: statement.replyTo[0] as string };
}

const acknowledgements = async (a: EmbeddedApp) =>
  (await emailsTo(a, PARTY_A)).filter((e) => e.text?.includes("我们理解您的回复为"));
const notesToPartyB = async (a: EmbeddedApp) =>
  (await emailsTo(a, PARTY_B)).filter(
    (e) => e.subject.startsWith("未处理的来信") || e.subject.startsWith("需人工处理"),
  );

describe("an inbound reply delivered more than once", () => {
  it("R-RECON-1: one SES event delivered twice at once is one reply: one decision, one acknowledgement, no notice to Party B", async () => {
    const {
      app: a,
      contractId,
      replyTo,
    } = await billed({
      faults: [{ kind: "duplicate-inbound", delivery: 1 }],
    });
    await replyAsPartyA(a, replyTo, "确认");
    expect(a.stack.faults?.injected.map((f) => f.kind)).toEqual(["duplicate-inbound"]);
    expect((await getCycle(contractId, PERIOD)).reconciliation?.outcome).toBe("confirmed");
    expect(await acknowledgements(a)).toHaveLength(1);
    expect(await notesToPartyB(a)).toEqual([]);
  });

  it("R-RECON-1/R-RECON-2: a handler that crashed right after recording the decision is finished by Lambda's retry", async () => {
    const {
      app: a,
      contractId,
      executionArn,
      replyTo,
    } = await billed({
      faults: [{ kind: "crash", function: "inbound-reply", operation: "UpdateItem", call: 1, when: "after" }],
    });
    await replyAsPartyA(a, replyTo, "确认");
    expect(a.stack.faults?.injected.map((f) => f.kind)).toEqual(["crash"]);
    expect((await getCycle(contractId, PERIOD)).reconciliation?.outcome).toBe("confirmed");
    // The waiting cycle moved on with the confirmation at once, not at the reconciliation deadline.
    await runUntil(a, "2025-10-09T11:00:00+08:00");
    expect(await statesEntered(a, executionArn)).toContain("Wait for Party A's payment");
    const decided = (await auditHistory(contractId)).filter((e) =>
      e.what.startsWith("reconciliation reply:"),
    );
    expect(decided).toHaveLength(1);
    expect(await acknowledgements(a)).toHaveLength(1);
    expect(await notesToPartyB(a)).toEqual([]);
  });

  it("R-RECON-3: a dispute whose acknowledgement SES throttled past the SDK's attempts stands when Lambda retries it; nothing goes to a person", async () => {
    const {
      app: a,
      contractId,
      replyTo,
    } = await billed({
      faults: [{ kind: "ses-throttle", function: "inbound-reply", call: 1, times: 3 }],
    });
    // 3600.27 is 10 % below the bill of 4000.30: beyond the 5 % tolerance.
    await replyAsPartyA(a, replyTo, "有异议，本期金额应为人民币3600.27元，请重新核对。");
    await runUntil(a, "2025-10-09T10:05:00+08:00");
    expect(a.stack.faults?.injected.map((f) => f.kind)).toEqual(["ses-throttle"]);
    expect((await getCycle(contractId, PERIOD)).reconciliation?.outcome).toBe("re-reconcile");
    expect(await acknowledgements(a)).toHaveLength(1);
    expect(await notesToPartyB(a)).toEqual([]);
  });
});
