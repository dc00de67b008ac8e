/**
 * The contract's ledger (architecture §9, ADR 0010): money events as immutable entries — the charge of a
 * bill, payments, agreed reconciliation differences, invoices, the settlement document — and reversals
 * that cancel an entry with who, when and why. Balances are derived from the entries, never stored.
 *
 * Signs are Party A's debt: a charge or a debit adds to what Party A owes, a payment or a credit takes
 * from it. An agreed difference is `agreed − bill` (R-RECON-4): negative when Party A was over-billed.
 */
import * as z from "zod";

export const LEDGER_KINDS = [
  "charge",
  "payment",
  "invoice",
  "agreed-difference",
  "settlement",
  "reversal",
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** What a bill carries forward from earlier periods (R-RECON-4, overpayment): one line per source. */
export const CARRY_KINDS = ["adjustment", "credit"] as const;
export type CarryKind = (typeof CARRY_KINDS)[number];

export interface Carried {
  kind: CarryKind;
  sourcePeriod: string;
  amountFen: bigint;
}

export interface LedgerEntry {
  /** Unique within the contract and fixed by the step that writes it, so it is written once. */
  entryId: string;
  period: string;
  kind: LedgerKind;
  amountFen: bigint;
  /** When the fact happened (the payment's date, the bill's preparation). */
  at: string;
  recordedAt: string;
  who: string;
  reason?: string;
  /** A reversal: the entry it cancels. */
  reverses?: string;
  /** A charge: what it carries from earlier periods (included in its amount). */
  carried?: Carried[];
  invoiceNumber?: string;
}

const fenText = z.string().regex(/^-?\d+$/);

/** What a bill carries, as stored: amounts as integer fen in a string (R-MONEY-1). */
export const storedCarried = z.array(
  z.object({ kind: z.enum(CARRY_KINDS), sourcePeriod: z.string(), amountFen: fenText }),
);

export const carriedToStored = (carried: readonly Carried[]): z.infer<typeof storedCarried> =>
  carried.map((c) => ({ ...c, amountFen: c.amountFen.toString() }));

export const carriedFromStored = (stored: z.infer<typeof storedCarried>): Carried[] =>
  stored.map((c) => ({ ...c, amountFen: BigInt(c.amountFen) }));

/** A ledger entry as stored (amounts as integer fen in a string, never a float: R-MONEY-1). */
export const storedLedgerEntry = z.object({
  entryId: z.string().min(1),
  period: z.string().regex(/^\d{4}-\d{2}$/),
  kind: z.enum(LEDGER_KINDS),
  amountFen: fenText,
  at: z.string(),
  recordedAt: z.string(),
  who: z.string(),
  reason: z.string().optional(),
  reverses: z.string().optional(),
  carried: storedCarried.optional(),
  invoiceNumber: z.string().optional(),
});
export type StoredLedgerEntry = z.infer<typeof storedLedgerEntry>;

export function toStored(entry: LedgerEntry): StoredLedgerEntry {
  const { carried, amountFen, ...rest } = entry;
  return {
    ...rest,
    amountFen: amountFen.toString(),
    ...(carried ? { carried: carriedToStored(carried) } : {}),
  };
}

export function fromStored(item: unknown): LedgerEntry {
  const stored = storedLedgerEntry.parse(item);
  const { carried, amountFen, ...rest } = stored;
  return {
    ...rest,
    amountFen: BigInt(amountFen),
    ...(carried ? { carried: carriedFromStored(carried) } : {}),
  };
}

/** Entries still in force: neither a reversal nor reversed by one. */
export function inForce(entries: readonly LedgerEntry[]): LedgerEntry[] {
  const reversed = new Set(entries.filter((e) => e.kind === "reversal").map((e) => e.reverses));
  return entries.filter((e) => e.kind !== "reversal" && !reversed.has(e.entryId));
}

const sum = (values: Iterable<bigint>) => {
  let total = 0n;
  for (const value of values) total += value;
  return total;
};

export interface PeriodBalance {
  period: string;
  billedFen: bigint;
  paidFen: bigint;
  /** What Party A still owes on this bill (R-PAY-2 goes on while it is above zero). */
  outstandingFen: bigint;
  /** Paid beyond the bill, or a negative bill: carried as a credit to the next bill. */
  creditFen: bigint;
  invoiced: boolean;
}

export function periodBalance(entries: readonly LedgerEntry[], period: string): PeriodBalance {
  const live = inForce(entries).filter((e) => e.period === period);
  const billedFen = sum(live.filter((e) => e.kind === "charge").map((e) => e.amountFen));
  const paidFen = sum(live.filter((e) => e.kind === "payment").map((e) => e.amountFen));
  const owed = billedFen - paidFen;
  return {
    period,
    billedFen,
    paidFen,
    outstandingFen: owed > 0n ? owed : 0n,
    creditFen: owed < 0n ? -owed : 0n,
    invoiced: live.some((e) => e.kind === "invoice"),
  };
}

/**
 * What the next bill must carry from periods before `period` (R-RECON-4 and overpayments): each source
 * period's agreed differences and credit, less what earlier bills already carried from it. Derived from
 * the entries, so a difference agreed after the following bill was prepared lands on the bill after it
 * — never lost, never twice.
 */
export function pendingCarries(entries: readonly LedgerEntry[], period: string): Carried[] {
  const live = inForce(entries);
  const carriedSoFar = live.filter((e) => e.kind === "charge").flatMap((e) => e.carried ?? []);
  const sources = [...new Set(live.map((e) => e.period))].filter((p) => p < period).sort();
  return sources.flatMap((source) =>
    carriesFrom(
      entries.filter((e) => e.period === source),
      source,
      carriedSoFar,
    ),
  );
}

/**
 * What `source` still carries (R-RECON-4, R-PAY-1): its agreed differences and its credit, from its own
 * entries, less what bills carried from it before (`carriedBefore`; lines from other sources are ignored).
 */
export function carriesFrom(
  sourceEntries: readonly LedgerEntry[],
  source: string,
  carriedBefore: readonly Carried[],
): Carried[] {
  const live = inForce(sourceEntries).filter((e) => e.period === source);
  const already = (kind: CarryKind) =>
    sum(carriedBefore.filter((c) => c.kind === kind && c.sourcePeriod === source).map((c) => c.amountFen));
  const agreedFen = sum(live.filter((e) => e.kind === "agreed-difference").map((e) => e.amountFen));
  const creditFen = -periodBalance(sourceEntries, source).creditFen;
  const adjustment = agreedFen - already("adjustment");
  const credit = creditFen - already("credit");
  const pending: Carried[] = [];
  if (adjustment !== 0n) pending.push({ kind: "adjustment", sourcePeriod: source, amountFen: adjustment });
  if (credit !== 0n) pending.push({ kind: "credit", sourcePeriod: source, amountFen: credit });
  return pending;
}

/**
 * Whether writing `entry` may change what its period carries to a later bill (ADR 0097): an agreed difference
 * or a reversal may; a negative charge is a credit of its own; a payment only if the period is paid beyond its
 * bill with it. `periodBefore`, the period's entries as read before the payment, decides that; without it a
 * payment counts as a change. A settlement or an invoice carries nothing.
 *
 * The payment's reading is safe against concurrent writes: payments of one period are numbered from the same
 * read, so a payment written knows every earlier one, and a concurrent reversal only lowers the credit (and
 * notes itself).
 */
export function changesCarries(entry: LedgerEntry, periodBefore?: readonly LedgerEntry[]): boolean {
  switch (entry.kind) {
    case "agreed-difference":
    case "reversal":
      return true;
    case "charge":
      return entry.amountFen < 0n;
    case "payment":
      return (
        periodBefore === undefined || periodBalance([...periodBefore, entry], entry.period).creditFen > 0n
      );
    default:
      return false;
  }
}

export interface ContractBalance {
  billedFen: bigint;
  paidFen: bigint;
  outstandingFen: bigint;
  /** Credit not yet carried to a bill. */
  creditFen: bigint;
  /** Agreed differences not yet on a bill. */
  unbilledDifferencesFen: bigint;
}

export function contractBalance(entries: readonly LedgerEntry[]): ContractBalance {
  const periods = [...new Set(entries.map((e) => e.period))];
  const balances = periods.map((p) => periodBalance(entries, p));
  const after = periods.length === 0 ? "0000-00" : `${[...periods].sort().at(-1)}~`;
  const pending = pendingCarries(entries, after);
  return {
    billedFen: sum(balances.map((b) => b.billedFen)),
    paidFen: sum(balances.map((b) => b.paidFen)),
    outstandingFen: sum(balances.map((b) => b.outstandingFen)),
    creditFen: -sum(pending.filter((c) => c.kind === "credit").map((c) => c.amountFen)),
    unbilledDifferencesFen: sum(pending.filter((c) => c.kind === "adjustment").map((c) => c.amountFen)),
  };
}

export type SettlementDirection = "refund" | "collect" | "none";

export interface Settlement {
  /** Always non-negative; `direction` says who pays whom (多退少补, R-END-1). */
  amountFen: bigint;
  direction: SettlementDirection;
  outstandingFen: bigint;
  creditFen: bigint;
  unbilledDifferencesFen: bigint;
}

/**
 * R-END-1, R-RECON-4: when the contract ends, what is still open — balances owing, credit not carried,
 * agreed differences no bill carried — is settled both ways in one settlement document (结算单).
 */
export function settlementOf(entries: readonly LedgerEntry[]): Settlement {
  const live = inForce(entries);
  const settledFen = sum(live.filter((e) => e.kind === "settlement").map((e) => e.amountFen));
  const balance = contractBalance(entries.filter((e) => e.kind !== "settlement"));
  const owedFen = balance.outstandingFen - balance.creditFen + balance.unbilledDifferencesFen - settledFen;
  return {
    amountFen: owedFen < 0n ? -owedFen : owedFen,
    direction: owedFen > 0n ? "collect" : owedFen < 0n ? "refund" : "none",
    outstandingFen: balance.outstandingFen,
    creditFen: balance.creditFen,
    unbilledDifferencesFen: balance.unbilledDifferencesFen,
  };
}
