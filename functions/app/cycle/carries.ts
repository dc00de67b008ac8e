/**
 * What the bill of a period carries from earlier periods (R-RECON-4: an agreed difference is adjusted on the
 * next bill, 合同第四条4.7款; R-PAY-1: what was paid beyond a bill is credited on the next), found by key
 * (ADR 0097): the bill reads the carry notes written under its own period and, for each period they name,
 * that period's entries and the charges that carried from it before — not the contract's whole ledger.
 */
import {
  type CarryNote,
  type ContractRecord,
  carriesStillFrom,
  carryNotes,
  ledgerEntries,
  markCarriedBy,
  markCarriesIndexed,
  noteCarry,
} from "../../adapters/repository";
import { type Carried, type LedgerEntry, pendingCarries } from "../../core/ledger";

export interface CarriesRead {
  /** What the bill carries: its charge's, if it was charged already, or what is pending now. */
  pending: Carried[];
  /** The notes under the bill's period when they were read, before the charge (see {@link forwardLateNotes}). */
  notes: CarryNote[];
}

/**
 * The notes are read before the sources they name, so every entry a note read here stands for is seen. A
 * contract registered before the notes (no `carriesIndexed`) is read whole once instead (ADR 0085's lazy way):
 * its past bills get their carried-by marks, and what it carries is derived as before.
 */
export async function readCarries(
  record: ContractRecord,
  period: string,
  charged: LedgerEntry | undefined,
): Promise<CarriesRead> {
  const { contractId } = record;
  const notes = await carryNotes(contractId, period);
  if (record.carriesIndexed !== true) {
    const entries = await ledgerEntries(contractId);
    for (const charge of entries.filter((e) => e.kind === "charge"))
      await markCarriedBy(contractId, charge.period, charge.carried ?? []);
    return { pending: charged?.carried ?? pendingCarries(entries, period), notes };
  }
  if (charged) return { pending: charged.carried ?? [], notes };
  const sources = [...new Set(notes.map((n) => n.source))].filter((s) => s < period).sort();
  const pending = await Promise.all(sources.map((source) => carriesStillFrom(contractId, source)));
  return { pending: pending.flat(), notes };
}

/**
 * After the bill's charge: a note written under the period after the notes were read stands for an entry
 * the charge may not include, so it goes on to the next bill. When this run did not write the charge (a
 * retry, or a concurrent twin won), which notes the charge saw is unknown, and every note goes on: at the
 * next bill a period with nothing left to carry carries nothing. Then an unindexed contract is marked indexed.
 */
export async function forwardLateNotes(
  record: ContractRecord,
  period: string,
  read: CarriesRead,
  chargeWritten: boolean,
): Promise<void> {
  const { contractId } = record;
  const seen = new Set(chargeWritten ? read.notes.map((n) => n.entryId) : []);
  const late = (await carryNotes(contractId, period)).filter((n) => !seen.has(n.entryId));
  await Promise.all(late.map((n) => noteCarry(contractId, { entryId: n.entryId, period: n.source })));
  if (record.carriesIndexed !== true) await markCarriesIndexed(contractId);
}
