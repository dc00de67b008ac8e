/**
 * R-RECON-4 (合同第四条4.7款: 对账差异的调整在下一个结算周期内进行) and R-PAY-1's credit (ADR 0097): the bill
 * finds what earlier periods carry by the notes in its own period's carry inbox. One stack, three contracts, the
 * harness's hand-computed small month (4000.30) billed each month by the real Lambdas:
 * - A: September re-reconciled at 3800.30, agreed through the operator function, which crashes between the
 *   agreed difference and its note; October carries 3800.30 − 4000.30 = −200.00 once, November nothing.
 * - B: 12000.00 paid on September; October's bill step crashes after marking September, after closing its
 *   inbox, and after writing its charge. October carries −7999.70 and totals −3999.40, which November
 *   carries: three bills of 4000.30 less 12000.00 paid leave 0.90.
 * - C: its ledger as the code before the inboxes left it (no inboxes, no marks, not indexed): October still
 *   carries September's 100.00 overpaid. Stripped again as if an older bill step had billed October, a
 *   further 50.00 on September is carried once in November (−50.00, not −150.00), and 20.00 more in December,
 *   when the contract is indexed; that bill step's close of its inbox is answered as lost to a concurrent twin.
 */
import { readFileSync } from "node:fs";
import { DeleteCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsConfig, documentClient } from "../../functions/adapters/aws-config";
import {
  carryInbox,
  closeCarryInbox,
  getContract,
  getCycle,
  getLedgerEntry,
  noteCarry,
  registerContract,
  setCycleFieldsOnce,
} from "../../functions/adapters/repository";
import { correctEntry, recordPayment } from "../../functions/app/payments";
import { type Contract, loadContract } from "../../functions/core/contract";
import type { Carried } from "../../functions/core/ledger";
import { formatFen } from "../../functions/core/money";
import { type EmbeddedApp, startEmbeddedApp } from "../../infra/local/app";
import { runUntil, SAMPLE_CONTRACT, uploadSmallMonth } from "./harness";

const sample = JSON.parse(
  readFileSync(new URL("../fixtures/function-url/iam-request.json", import.meta.url), "utf8"),
) as Record<string, unknown>;

let app: EmbeddedApp;
const contracts: Record<"A" | "B" | "C", Contract> = {} as Record<"A" | "B" | "C", Contract>;

const arn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:ContractOps-${name}`;
const invoke = (name: string, payload: unknown) =>
  app.stack.invokeLambda(arn(name), payload, { functionName: `ContractOps-${name}`, awsRequestId: name });
const prepareBill = (contract: Contract, period: string) =>
  invoke("prepare-bill", { contractId: contract.contractId, period });
const recordAgreed = (contract: Contract, period: string, agreed: string) =>
  invoke("operator-command", {
    ...sample,
    body: JSON.stringify({
      command: "record-agreed",
      input: { contractId: contract.contractId, period, agreed },
    }),
  });

const table = () => awsConfig().tableName;

async function sortKeys(contractId: string, prefix: string): Promise<string[]> {
  const { Items } = await documentClient().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: "PK = :pk AND begins_with(SK, :sk)",
      ExpressionAttributeValues: { ":pk": `CONTRACT#${contractId}`, ":sk": prefix },
    }),
  );
  return (Items ?? []).map((item) => String(item.SK));
}

/** The contract as the code before the carry inboxes left it: no inboxes, no carried-by marks, not indexed. */
async function asBeforeTheNotes(contractId: string): Promise<void> {
  const ledger = await sortKeys(contractId, "LEDGER#");
  const keys = [
    ...(await sortKeys(contractId, "CARRY#")),
    ...ledger.filter((sk) => sk.includes("#carried-by#")),
  ];
  for (const SK of keys)
    await documentClient().send(
      new DeleteCommand({ TableName: table(), Key: { PK: `CONTRACT#${contractId}`, SK } }),
    );
  await documentClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: { PK: `CONTRACT#${contractId}`, SK: "CONTRACT" },
      UpdateExpression: "REMOVE carriesIndexed",
    }),
  );
}

async function billOf(contract: Contract, period: string) {
  const charge = await getLedgerEntry(contract.contractId, `${period}#charge`);
  return {
    total: formatFen((await getCycle(contract.contractId, period)).billTotalFen),
    carried: charge?.carried,
  };
}

const credit = (sourcePeriod: string, amountFen: bigint): Carried => ({
  kind: "credit",
  sourcePeriod,
  amountFen,
});

beforeAll(async () => {
  app = await startEmbeddedApp({
    start: new Date("2025-10-01T01:00:00+08:00"),
    schedule: false,
    faults: {
      faults: [
        // The operator function's first UpdateItem is the agreed difference's note (after its PutItem).
        {
          kind: "crash",
          function: "operator-command",
          invocation: 1,
          operation: "UpdateItem",
          call: 1,
          when: "before",
        },
        // B's October bill step (prepare-bill's 5th invocation): after the mark of September; its retries
        // after closing the inbox, then after the charge (the first PutItem once the inbox is closed).
        {
          kind: "crash",
          function: "prepare-bill",
          invocation: 5,
          operation: "PutItem",
          call: 1,
          when: "after",
        },
        {
          kind: "crash",
          function: "prepare-bill",
          invocation: 6,
          operation: "UpdateItem",
          call: 1,
          when: "after",
        },
        {
          kind: "crash",
          function: "prepare-bill",
          invocation: 7,
          operation: "PutItem",
          call: 1,
          when: "after",
        },
        // C's December bill step (the 13th): its close of the inbox (its second conditional write, after the
        // mark) is answered as lost to a concurrent twin that closed it first.
        { kind: "ddb-conditional-check-failed", function: "prepare-bill", invocation: 13, call: 2 },
      ],
    },
  });
  const contract = await loadContract(SAMPLE_CONTRACT);
  for (const name of ["A", "B", "C"] as const) {
    contracts[name] = { ...contract, contractId: `${contract.contractId}${name}` };
    await registerContract(contracts[name]);
    await uploadSmallMonth(contracts[name], "2025-09");
    await prepareBill(contracts[name], "2025-09");
    await invoke("send-bill", { contractId: contracts[name].contractId, period: "2025-09" });
  }
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

describe("R-RECON-4, R-PAY-1: what earlier periods carry, found by key (ADR 0097)", () => {
  it("carries each agreed difference and credit once, through crashes between the writes and for a contract written before the inboxes", async () => {
    const { A, B, C } = contracts;
    // A: Party A's 3600.00 against 4000.30 is 10 % off, beyond R-RECON-2's 5 %: a re-reconciliation.
    await setCycleFieldsOnce(A.contractId, "2025-09", "reconciliation", {
      reconciliation: { outcome: "re-reconcile", partyAAmountFen: 360_000n, differenceFen: -40_030n },
    });
    await runUntil(app, "2025-10-09T10:00:00+08:00");
    await expect(recordAgreed(A, "2025-09", "3800.30")).rejects.toMatchObject({ name: "Runtime.ExitError" });
    expect((await getLedgerEntry(A.contractId, "2025-09#agreed-difference"))?.amountFen).toBe(-20_000n);
    expect(await carryInbox(A.contractId, "2025-10")).toEqual({ notes: [] });
    await recordAgreed(A, "2025-09", "3800.30");
    expect(await carryInbox(A.contractId, "2025-10")).toEqual({ notes: ["2025-09#agreed-difference"] });

    await recordPayment({
      contractId: B.contractId,
      period: "2025-09",
      amount: "12000.00",
      date: "2025-10-09",
    });
    await recordPayment({
      contractId: C.contractId,
      period: "2025-09",
      amount: "4100.30",
      date: "2025-10-09",
    });
    await asBeforeTheNotes(C.contractId);

    await runUntil(app, "2025-11-03T10:00:00+08:00");
    for (const contract of [A, B, C]) await uploadSmallMonth(contract, "2025-10");
    await prepareBill(A, "2025-10");
    for (let crash = 0; crash < 3; crash++)
      await expect(prepareBill(B, "2025-10")).rejects.toMatchObject({ name: "Runtime.ExitError" });
    await prepareBill(B, "2025-10");
    await prepareBill(C, "2025-10");
    expect(await billOf(A, "2025-10")).toEqual({
      total: "3800.30",
      carried: [{ kind: "adjustment", sourcePeriod: "2025-09", amountFen: -20_000n }],
    });
    // 4000.30 − (12000.00 − 4000.30) = −3999.40
    expect(await billOf(B, "2025-10")).toEqual({
      total: "-3999.40",
      carried: [credit("2025-09", -799_970n)],
    });
    expect(await billOf(C, "2025-10")).toEqual({ total: "3900.30", carried: [credit("2025-09", -10_000n)] });
    expect((await getContract(C.contractId)).carriesIndexed).toBe(true);
    // The difference is on October's bill now: a correction is refused, found by September's carried-by mark.
    await expect(
      correctEntry({
        contractId: A.contractId,
        period: "2025-09",
        entry: "2025-09#agreed-difference",
        reason: "typo",
      }),
    ).rejects.toThrow("the difference is already on a bill");

    // C as if an older bill step had billed October; then a further 50.00 on September, noted in October's
    // inbox, which that older step never closed.
    await asBeforeTheNotes(C.contractId);
    await recordPayment({ contractId: C.contractId, period: "2025-09", amount: "50.00", date: "2025-11-03" });

    await runUntil(app, "2025-12-01T10:00:00+08:00");
    for (const contract of [A, B, C]) {
      await uploadSmallMonth(contract, "2025-11");
      await prepareBill(contract, "2025-11");
    }
    expect(await billOf(A, "2025-11")).toEqual({ total: "4000.30", carried: [] });
    // 3 × 4000.30 − 12000.00 = 0.90
    expect(await billOf(B, "2025-11")).toEqual({ total: "0.90", carried: [credit("2025-10", -399_940n)] });
    expect(await billOf(C, "2025-11")).toEqual({ total: "3950.30", carried: [credit("2025-09", -5_000n)] });
    expect((await getContract(C.contractId)).carriesIndexed).toBe(true);

    await recordPayment({ contractId: C.contractId, period: "2025-09", amount: "20.00", date: "2025-12-01" });
    await runUntil(app, "2026-01-05T10:00:00+08:00");
    await uploadSmallMonth(C, "2025-12");
    await prepareBill(C, "2025-12");
    expect(await billOf(C, "2025-12")).toEqual({ total: "3980.30", carried: [credit("2025-09", -2_000n)] });
    expect(app.stack.faults?.injected.map((f) => f.where)).toEqual([
      expect.stringContaining("operator-command invocation 1, crash before"),
      expect.stringContaining("prepare-bill invocation 5, crash after"),
      expect.stringContaining("prepare-bill invocation 6, crash after"),
      expect.stringContaining("prepare-bill invocation 7, crash after"),
      expect.stringContaining("prepare-bill invocation 13, conditional check failed"),
    ]);
  });

  it("the inbox is the fence between a note and the bill: a close on a stale count fails, a note after the close goes on", async () => {
    const { contractId } = contracts.A;
    const december = { entryId: "2025-12#payment#001", period: "2025-12" };
    expect(await carryInbox(contractId, "2026-01")).toEqual({ notes: [] });
    expect(await noteCarry(contractId, december)).toBe("2026-01");
    // The bill read the inbox empty before the note came in: its close is refused, and it reads again.
    expect(await closeCarryInbox(contractId, "2026-01", 0, [])).toBe(false);
    expect(await closeCarryInbox(contractId, "2026-01", 1, [])).toBe(true);
    expect(await closeCarryInbox(contractId, "2026-01", 1, [credit("2025-12", -1n)])).toBe(false);
    // A note written twice is one note; after the close, notes go to the next bill's inbox.
    expect(await noteCarry(contractId, december)).toBe("2026-02");
    expect(await noteCarry(contractId, december)).toBe("2026-02");
    expect(await carryInbox(contractId, "2026-01")).toEqual({ notes: [december.entryId], carried: [] });
    expect(await carryInbox(contractId, "2026-02")).toEqual({ notes: [december.entryId] });
  });
});
