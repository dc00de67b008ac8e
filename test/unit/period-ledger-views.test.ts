/**
 * The run report's periods (infra/local/scenario/ledger-view.ts `periodLedgerViews`) come from one read of
 * the contract's ledger (ADR 0098), whatever the number of months. The repository is stubbed here (this
 * module's unit test); the report's content is held by the contract-year and scenario tests.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CycleRecord } from "../../functions/adapters/repository";
import type { LedgerEntry } from "../../functions/core/ledger";

const reads = vi.hoisted(() => ({ ledger: 0 }));

const entry = (period: string, kind: LedgerEntry["kind"], amountFen: bigint): LedgerEntry => ({
  entryId: `${period}#${kind}`,
  period,
  kind,
  amountFen,
  at: `${period}-28T10:00:00+08:00`,
  recordedAt: `${period}-28T10:00:00+08:00`,
  who: "test",
});

vi.mock("../../functions/adapters/repository", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../functions/adapters/repository")>()),
  ledgerEntries: async () => {
    reads.ledger++;
    // August billed 6,979.36 and paid in full; September billed 6,968.38, paid 5,000.00.
    return [
      entry("2025-08", "charge", 697_936n),
      entry("2025-08", "payment", 697_936n),
      entry("2025-09", "charge", 696_838n),
      entry("2025-09", "payment", 500_000n),
    ];
  },
}));

const { periodLedgerViews } = await import("../../infra/local/scenario/ledger-view");

const cycle = (period: string): CycleRecord => ({
  contractId: "11NA0700211920254001",
  period,
  billId: `bill-${period}`,
  billTotalFen: 0n,
  billDue: `${period}-28`,
  billDueProvisional: false,
  statement: null,
  lastPeriod: false,
});

describe("each period's ledger view in the run report", () => {
  beforeEach(() => {
    reads.ledger = 0;
  });

  it("reads the ledger once for every period and gives each its own paid and outstanding", async () => {
    const views = await periodLedgerViews("11NA0700211920254001", [cycle("2025-08"), cycle("2025-09")]);
    expect(reads.ledger).toBe(1);
    expect(views.map(({ cycle: c, view }) => [c.period, view.paid, view.outstanding])).toEqual([
      ["2025-08", "6979.36", "0.00"],
      // 6,968.38 − 5,000.00 = 1,968.38 still owed.
      ["2025-09", "5000.00", "1968.38"],
    ]);
  });

  it("reads nothing when no period is reported", async () => {
    expect(await periodLedgerViews("11NA0700211920254001", [])).toEqual([]);
    expect(reads.ledger).toBe(0);
  });
});
