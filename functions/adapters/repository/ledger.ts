/** The ledger (ADR 0010): immutable entries, each written once under an id fixed by its step. */

import * as z from "zod";
import {
  type Carried,
  carriesFrom,
  changesCarries,
  fromStored,
  type LedgerEntry,
  toStored,
} from "../../core/ledger";
import { ledgerExpiresAtSeconds } from "../../core/retention";
import { nextPeriod } from "../../core/time";
import { contractKey, getItem, parseRecord, putIfAbsent, queryAll, strip } from "./table";

const ledgerKey = (entryId: string) => `LEDGER#${entryId}`;

/**
 * ADR 0097: `LEDGER#<source>#carried-by#<into>` says the bill of `into` may have carried from `source`. It
 * lives in the source period's key range, so it is read with the source's entries and expires with them
 * (ADR 0070); it is not an entry, and the ledger reads below leave it out.
 */
const CARRIED_BY = "carried-by";
const carriedByKey = (source: string, into: string) => ledgerKey(`${source}#${CARRIED_BY}#${into}`);
const CARRIED_BY_SK = /^LEDGER#\d{4}-\d{2}#carried-by#(\d{4}-\d{2})$/;

/** ADR 0097: `CARRY#<into>#<entryId>` says the bill of `into` must look at the period of that entry. */
const carryNoteKey = (into: string, entryId: string) => `CARRY#${into}#${entryId}`;
const carryNoteSchema = z.object({ entryId: z.string().min(1), source: z.string().regex(/^\d{4}-\d{2}$/) });
export type CarryNote = z.infer<typeof carryNoteSchema>;

/**
 * Writes a ledger entry once; false when an entry with that id exists (the step already wrote it). An id
 * starts with its period (ADR 0010), which is what lets one period be read alone ({@link periodLedgerEntries}).
 * An entry that may change what its period carries (R-RECON-4, R-PAY-1) is then noted for the next bill
 * ({@link noteCarry}) — also when it was written before, so a retry after a crash between the two writes
 * leaves the note it missed.
 */
export async function putLedgerEntry(contractId: string, entry: LedgerEntry): Promise<boolean> {
  if (!entry.entryId.startsWith(`${entry.period}#`))
    throw new Error(`ledger entry ${entry.entryId} does not start with its period ${entry.period}`);
  if (entry.entryId.startsWith(`${entry.period}#${CARRIED_BY}`))
    throw new Error(`ledger entry ${entry.entryId} takes the key of a carried-by mark`);
  const written = await putIfAbsent({
    PK: contractKey(contractId),
    SK: ledgerKey(entry.entryId),
    ...toStored(entry),
    // R-RETAIN-1 (ADR 0070): the period's entries expire together by TTL.
    expiresAt: ledgerExpiresAtSeconds(entry.period),
  });
  // A charge another run wrote first may differ in sign from this one (it carried other amounts).
  const stored = written || entry.kind !== "charge" ? entry : await getLedgerEntry(contractId, entry.entryId);
  if (stored && changesCarries(stored)) await noteCarry(contractId, stored);
  return written;
}

export async function getLedgerEntry(contractId: string, entryId: string): Promise<LedgerEntry | undefined> {
  const item = await getItem<Record<string, unknown>>(contractKey(contractId), ledgerKey(entryId));
  return item ? fromStored(strip(item)) : undefined;
}

const isCarriedBy = (item: Record<string, unknown>) => CARRIED_BY_SK.test(String(item.SK));

/**
 * Every entry of the contract's ledger (ids start with their period, so this is period order): what grows
 * with the contract's age, up to the retention (ADR 0070). A step about one period reads that period alone.
 */
export async function ledgerEntries(contractId: string): Promise<LedgerEntry[]> {
  return (await queryAll<Record<string, unknown>>(contractKey(contractId), "LEDGER#"))
    .filter((item) => !isCarriedBy(item))
    .map((item) => fromStored(strip(item)));
}

/** One period's entries and the bills its carried-by marks name, from one Query. */
async function periodLedger(contractId: string, period: string) {
  const items = await queryAll<Record<string, unknown>>(contractKey(contractId), ledgerKey(`${period}#`));
  return {
    entries: items.filter((item) => !isCarriedBy(item)).map((item) => fromStored(strip(item))),
    carriedBy: items.flatMap((item) => CARRIED_BY_SK.exec(String(item.SK))?.slice(1) ?? []),
  };
}

/** The entries of one period: the same whether the contract is in its first month or its tenth year (ADR 0086). */
export async function periodLedgerEntries(contractId: string, period: string): Promise<LedgerEntry[]> {
  return (await periodLedger(contractId, period)).entries;
}

const chargeOf = (contractId: string, period: string) => getLedgerEntry(contractId, `${period}#charge`);

/**
 * R-RECON-4, R-PAY-1 (ADR 0097): notes `entry` under the first period after its own whose bill is not
 * charged yet, so that bill looks at the entry's period. If that bill charged while the note was written,
 * the note goes on to the period after: the bill read its notes before this one, or it forwards the ones
 * it missed itself, and a note twice in one period is one item. Returns the period noted.
 */
export async function noteCarry(contractId: string, entry: Pick<LedgerEntry, "entryId" | "period">) {
  let into = nextPeriod(entry.period);
  for (;;) {
    if (!(await chargeOf(contractId, into))) {
      await putIfAbsent({
        PK: contractKey(contractId),
        SK: carryNoteKey(into, entry.entryId),
        entryId: entry.entryId,
        source: entry.period,
        expiresAt: ledgerExpiresAtSeconds(into),
      });
      if (!(await chargeOf(contractId, into))) return into;
    }
    into = nextPeriod(into);
  }
}

/** The notes of what may carry into the bill of `into` (ADR 0097). */
export async function carryNotes(contractId: string, into: string): Promise<CarryNote[]> {
  return (await queryAll<Record<string, unknown>>(contractKey(contractId), `CARRY#${into}#`)).map((item) =>
    parseRecord(carryNoteSchema, item, "carry note"),
  );
}

/**
 * What `source` still carries (R-RECON-4, R-PAY-1): read from the source's own period and the charges of the
 * bills its carried-by marks name — a mark whose bill did not charge, or charged without this source, counts
 * nothing.
 */
export async function carriesStillFrom(contractId: string, source: string): Promise<Carried[]> {
  const { entries, carriedBy } = await periodLedger(contractId, source);
  const charges = await Promise.all(carriedBy.map((into) => chargeOf(contractId, into)));
  return carriesFrom([...entries, ...charges.filter((c) => c !== undefined)], source);
}

/**
 * Marks each source of `carried` as carried by the bill of `into`, before that bill's charge is written
 * (ADR 0097): a crash in between leaves a mark with no charge behind it, which counts nothing.
 */
export async function markCarriedBy(contractId: string, into: string, carried: readonly Carried[]) {
  const sources = [...new Set(carried.map((c) => c.sourcePeriod))];
  await Promise.all(
    sources.map((source) =>
      putIfAbsent({
        PK: contractKey(contractId),
        SK: carriedByKey(source, into),
        expiresAt: ledgerExpiresAtSeconds(source),
      }),
    ),
  );
}
