/**
 * R-PAY-1 (ADR 0086): recording a payment reads the ledger of its period alone, once, so it reads as much for
 * a contract with two years of ledger behind it as for one in its first month. R-RECON-4 (ADR 0097): the bill
 * step finds what earlier periods carry into it by key, so it too reads as much after two years as after two
 * months. The oracle is the young contract's own count: the same work must read the same number of items.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  getCycle,
  getLedgerEntry,
  putLedgerEntry,
  registerContract,
} from "../../functions/adapters/repository";
import { recordPayment } from "../../functions/app/payments";
import { type Contract, loadContract } from "../../functions/core/contract";
import { formatFen, parseYuanToFen } from "../../functions/core/money";
import { statementSchema } from "../../functions/core/statement";
import { handler as prepareBillHandler } from "../../functions/prepare-bill/handler";
import { type EmbeddedApp, startEmbeddedApp } from "../../infra/local/app";
import { runUntil, SAMPLE_CONTRACT, SMALL_MONTH_TOTAL, startCycle, uploadSmallMonth } from "./harness";
import { itemReadMeter } from "./item-read-meter";

let app: EmbeddedApp | undefined;
const removals: Array<() => void> = [];
afterEach(async () => {
  for (const remove of removals.splice(0)) remove();
  await app?.stop();
  app = undefined;
});

/**
 * The item-read meter on, a stack started, and two copies of the sample contract: one to stay young, one to be
 * given a long history (registered by the test).
 */
async function metredYoungAndOld() {
  const { counted, remove } = itemReadMeter();
  removals.push(remove);
  const started = await startEmbeddedApp({ start: new Date("2025-10-01T01:00:00+08:00"), schedule: false });
  app = started;
  const young = await loadContract(SAMPLE_CONTRACT);
  return { started, counted, young, old: { ...young, contractId: `${young.contractId}OLD` } };
}

describe("R-PAY-1: a payment's reads do not grow with the ledger (ADR 0086)", () => {
  it("reads the same items for a contract's first bill as for one with 24 earlier periods in its ledger", async () => {
    const { started, counted, young, old } = await metredYoungAndOld();
    for (const contract of [young, old]) {
      await registerContract(contract);
      await uploadSmallMonth(contract, "2025-09");
      await startCycle(started, contract.contractId, "2025-09");
    }
    await runUntil(started, "2025-10-09T10:00:00+08:00");
    // Two earlier years of the old contract's ledger: each period billed and paid in full.
    for (let month = 0; month < 24; month++) {
      const period = `${2023 + Math.floor((month + 8) / 12)}-${String(((month + 8) % 12) + 1).padStart(2, "0")}`;
      const entry = { period, amountFen: 400_030n, at: `${period}-28T10:00:00+08:00`, who: "system" };
      await putLedgerEntry(old.contractId, {
        ...entry,
        entryId: `${period}#charge`,
        kind: "charge",
        recordedAt: entry.at,
        carried: [],
      });
      await putLedgerEntry(old.contractId, {
        ...entry,
        entryId: `${period}#payment#001`,
        kind: "payment",
        recordedAt: entry.at,
      });
    }

    const payment = (contractId: string) => ({
      contractId,
      period: "2025-09",
      amount: SMALL_MONTH_TOTAL,
      date: "2025-10-09T09:00:00+08:00",
    });
    let youngOutcome: string | undefined;
    let oldOutcome: string | undefined;
    const youngReads = await counted(async () => {
      youngOutcome = (await recordPayment(payment(young.contractId))).outcome;
    });
    const oldReads = await counted(async () => {
      oldOutcome = (await recordPayment(payment(old.contractId))).outcome;
    });
    expect([youngOutcome, oldOutcome]).toEqual(["paid-in-full", "paid-in-full"]);
    expect(youngReads).toBeGreaterThan(0);
    expect(oldReads).toBe(youngReads);
  });
});

/** The `count` periods before 2025-09, oldest first ("2025-07", "2025-08" for 2). */
function periodsBefore(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const month = 2025 * 12 + 8 - count + i;
    return `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, "0")}`;
  });
}

/**
 * Each earlier period billed 4000.30 and paid in full, the last one overpaid by 100.00: a credit its next
 * bill carries (R-PAY-1).
 */
async function billedAndPaid(contract: Contract, periods: readonly string[]) {
  for (const period of periods) {
    const at = `${period}-28T10:00:00+08:00`;
    const common = { period, at, recordedAt: at, who: "system" };
    await putLedgerEntry(contract.contractId, {
      ...common,
      entryId: `${period}#charge`,
      kind: "charge",
      amountFen: 400_030n,
      carried: [],
    });
    await putLedgerEntry(contract.contractId, {
      ...common,
      entryId: `${period}#payment#001`,
      kind: "payment",
      amountFen: period === periods.at(-1) ? 410_030n : 400_030n,
    });
  }
}

const lambdaContext = {
  functionName: "prepare-bill",
  awsRequestId: "ledger-reads-flat",
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Parameters<typeof prepareBillHandler>[1];

describe("R-RECON-4: the bill step's reads of what earlier periods carry do not grow with the ledger (ADR 0097)", () => {
  it("reads the same items for a bill after 2 earlier periods as after 24, and carries the same credit", async () => {
    const { counted, young, old } = await metredYoungAndOld();
    const reads: number[] = [];
    for (const [contract, earlier] of [
      [young, 2],
      [old, 24],
    ] as const) {
      await registerContract(contract);
      await billedAndPaid(contract, periodsBefore(earlier));
      await uploadSmallMonth(contract, "2025-09");
      reads.push(
        await counted(() =>
          prepareBillHandler({ contractId: contract.contractId, period: "2025-09" }, lambdaContext),
        ),
      );
    }
    for (const contract of [young, old]) {
      const cycle = await getCycle(contract.contractId, "2025-09");
      // 4000.30 less the 100.00 August's payment left over (4100.30 paid on a 4000.30 bill).
      expect(formatFen(cycle.billTotalFen)).toBe(
        formatFen(parseYuanToFen(SMALL_MONTH_TOTAL, "any") - 10_000n),
      );
      expect((await getLedgerEntry(contract.contractId, "2025-09#charge"))?.carried).toEqual([
        { kind: "credit", sourcePeriod: "2025-08", amountFen: -10_000n },
      ]);
      expect(
        statementSchema
          .parse(cycle.statement)
          .lines.filter((l) => l.rule === "R-PAY-1")
          .map((l) => [l.description, l.amount]),
      ).toEqual([["多付款结转（2025-08 账期）", "-100.00"]]);
    }
    expect(reads[0]).toBeGreaterThan(0);
    expect(reads[1]).toBe(reads[0]);
  });
});
