/**
 * What the bill of a period carries from earlier periods (R-RECON-4: an agreed difference is adjusted on the
 * next bill, 合同第四条4.7款; R-PAY-1: what was paid beyond a bill is credited on the next), found by key
 * (ADR 0097): the bill reads its period's carry inbox and, for each period the notes in it name, that
 * period's entries and what bills carried from it before — not the contract's whole ledger.
 */
import {
  type ContractRecord,
  carriesStillFrom,
  carryInbox,
  closeCarryInbox,
  ledgerEntries,
  markCarriedBy,
  markCarriesIndexed,
} from "../../adapters/repository";
import { type Carried, pendingCarries } from "../../core/ledger";

/** Attempts before giving up on an inbox that keeps receiving notes while the bill reads it. */
const CLOSE_ATTEMPTS = 10;

/**
 * Fixes what the bill of `period` carries, once: the inbox closed with it. A retried or concurrent run
 * finds it closed and carries the same. The inbox is read before the periods its notes name, so every entry
 * a note read here stands for is seen; a note that comes in later makes the close fail, and the bill reads
 * again. The sources are marked carried-by before the close, so a later bill never sees a closed inbox
 * without the marks that lead to it.
 */
export async function carriesForBill(record: ContractRecord, period: string): Promise<Carried[]> {
  const { contractId } = record;
  const indexed = record.carriesIndexed === true;
  if (!indexed) await indexLedger(contractId, period);
  for (let attempt = 0; attempt < CLOSE_ATTEMPTS; attempt++) {
    const inbox = await carryInbox(contractId, period);
    if (inbox.carried) return inbox.carried;
    const pending = indexed
      ? await fromNotes(contractId, period, inbox.notes)
      : await fromWholeLedger(contractId, period);
    await markCarriedBy(contractId, period, pending);
    if (await closeCarryInbox(contractId, period, inbox.notes.length, pending)) {
      if (!indexed) await markCarriesIndexed(contractId);
      return pending;
    }
  }
  throw new Error(`the carry inbox of ${contractId} ${period} kept changing while its bill read it`);
}

async function fromNotes(contractId: string, period: string, notes: readonly string[]) {
  const sources = [...new Set(notes.map((id) => id.slice(0, 7)))].filter((s) => s < period).sort();
  return (await Promise.all(sources.map((source) => carriesStillFrom(contractId, source)))).flat();
}

/** A contract registered before the inboxes: derived from its whole ledger, as before them. */
async function fromWholeLedger(contractId: string, period: string) {
  const entries = await ledgerEntries(contractId);
  return entries.find((e) => e.entryId === `${period}#charge`)?.carried ?? pendingCarries(entries, period);
}

/**
 * ADR 0085's lazy way, once per contract registered before the inboxes: every bill it was charged gets its
 * carried-by marks, and its inbox closed with what it carried, so a later note goes on to a bill to come.
 * A note that reached such an inbox before it closed stands for an entry the whole-ledger read after this
 * sees. A crash or a concurrent run repeats only idempotent writes; the contract is marked indexed once
 * the first bill after this closed its own inbox.
 */
async function indexLedger(contractId: string, period: string): Promise<void> {
  const charges = (await ledgerEntries(contractId)).filter((e) => e.kind === "charge" && e.period < period);
  for (const charge of charges) {
    await markCarriedBy(contractId, charge.period, charge.carried ?? []);
    await closeCarryInbox(contractId, charge.period, "any", charge.carried ?? []);
  }
}
