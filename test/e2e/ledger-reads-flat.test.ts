/**
 * R-PAY-1 (ADR 0086): recording a payment reads the ledger of its period alone, once, so it reads as much for
 * a contract with two years of ledger behind it as for one in its first month. The oracle is the young
 * contract's own count: the same payment on the same bill must read the same number of items.
 */
import { afterEach, describe, expect, it } from "vitest";
import { putLedgerEntry, registerContract } from "../../functions/adapters/repository";
import { recordPayment } from "../../functions/app/payments";
import { loadContract } from "../../functions/core/contract";
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

describe("R-PAY-1: a payment's reads do not grow with the ledger (ADR 0086)", () => {
  it("reads the same items for a contract's first bill as for one with 24 earlier periods in its ledger", async () => {
    const { counted, remove } = itemReadMeter();
    removals.push(remove);
    app = await startEmbeddedApp({ start: new Date("2025-10-01T01:00:00+08:00"), schedule: false });
    const sample = await loadContract(SAMPLE_CONTRACT);
    const young = sample;
    const old = { ...sample, contractId: `${sample.contractId}OLD` };
    for (const contract of [young, old]) {
      await registerContract(contract);
      await uploadSmallMonth(contract, "2025-09");
      await startCycle(app, contract.contractId, "2025-09");
    }
    await runUntil(app, "2025-10-09T10:00:00+08:00");
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
