/** The ledger (ADR 0010): immutable entries, each written once under an id fixed by its step. */

import * as z from "zod";
import {
  type Carried,
  carriedFromStored,
  carriedToStored,
  carriesFrom,
  changesCarries,
  fromStored,
  type LedgerEntry,
  storedCarried,
  toStored,
} from "../../core/ledger";
import { ledgerExpiresAtSeconds } from "../../core/retention";
import { nextPeriod } from "../../core/time";
import { conditionalUpdate, contractKey, getItem, parseRecord, putIfAbsent, queryAll, strip } from "./table";

const ledgerKey = (entryId: string) => `LEDGER#${entryId}`;

/**
 * ADR 0097: `LEDGER#<source>#carried-by#<into>` says the bill of `into` may have carried from `source`. It
 * lives in the source period's key range, so it is read with the source's entries and expires with them
 * (ADR 0070); it is not an entry, and the ledger reads below leave it out.
 */
const CARRIED_BY = "carried-by";
const carriedByKey = (source: string, into: string) => ledgerKey(`${source}#${CARRIED_BY}#${into}`);
const CARRIED_BY_SK = /^LEDGER#\d{4}-\d{2}#carried-by#(\d{4}-\d{2})$/;

/**
 * ADR 0097: `CARRY#<into>` is the inbox of the bill of `into`: `notes` holds the ids of the entries after
 * which their periods may carry something new, until the bill closes it by writing what it carries
 * (`carried`). Both are conditional writes to this one item, so a note lands either before the bill closed
 * (and the bill's close, conditioned on the notes it read, fails if it missed one) or in a later inbox.
 */
const inboxKey = (into: string) => `CARRY#${into}`;
const inboxSchema = z.object({
  notes: z.array(z.string()).optional(),
  carried: storedCarried.optional(),
});

export interface CarryInbox {
  /** Ids of the entries noted, each starting with its period (the source). */
  notes: string[];
  /** Present once the bill closed the inbox: what it carries. */
  carried?: Carried[];
}

/**
 * Writes a ledger entry once; false when an entry with that id exists (the step already wrote it). An id
 * starts with its period (ADR 0010), which is what lets one period be read alone ({@link periodLedgerEntries}).
 * An entry that may change what its period carries (R-RECON-4, R-PAY-1; `periodBefore` as
 * {@link changesCarries} reads it) is then noted for the next bill ({@link noteCarry}) — also when it was
 * written before, so a retry after a crash between the two writes leaves the note it missed. A charge is
 * noted by its bill step, from the charge as stored: a concurrent run may have written one of another sign.
 */
export async function putLedgerEntry(
  contractId: string,
  entry: LedgerEntry,
  periodBefore?: readonly LedgerEntry[],
): Promise<boolean> {
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
  if (entry.kind !== "charge" && changesCarries(entry, periodBefore)) await noteCarry(contractId, entry);
  return written;
}

/**
 * Writes a bill's charge entry once and returns the charge as stored (ADR 0099): when this write created it,
 * the entry it wrote, parsed as a read parses it; when a concurrent or earlier run wrote one, that one.
 */
export async function putChargeAndGet(
  contractId: string,
  charge: LedgerEntry,
): Promise<LedgerEntry | undefined> {
  if (charge.kind !== "charge") throw new Error(`ledger entry ${charge.entryId} is not a charge`);
  return (await putLedgerEntry(contractId, charge))
    ? fromStored(toStored(charge))
    : getLedgerEntry(contractId, charge.entryId);
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

/**
 * R-RECON-4, R-PAY-1 (ADR 0097): notes `entry` in the inbox of the first period after its own whose bill has
 * not closed its inbox, so that bill looks at the entry's period. Adding to a set twice adds once. Returns
 * the period noted.
 */
export async function noteCarry(
  contractId: string,
  entry: Pick<LedgerEntry, "entryId" | "period">,
): Promise<string> {
  let into = nextPeriod(entry.period);
  for (;;) {
    const noted = await conditionalUpdate(
      contractKey(contractId),
      inboxKey(into),
      "ADD notes :id SET expiresAt = if_not_exists(expiresAt, :expires)",
      "attribute_not_exists(carried)",
      { values: { ":id": new Set([entry.entryId]), ":expires": ledgerExpiresAtSeconds(into) } },
      { orCreate: true },
    );
    if (noted) return into;
    into = nextPeriod(into);
  }
}

export async function carryInbox(contractId: string, into: string): Promise<CarryInbox> {
  const item = await getItem<Record<string, unknown>>(contractKey(contractId), inboxKey(into));
  if (!item) return { notes: [] };
  // The notes are a string set, which the document client reads as a Set: checked as the array of its ids.
  const asRead = item.notes instanceof Set ? { ...item, notes: [...item.notes] } : item;
  const { notes, carried } = parseRecord(inboxSchema, asRead, "carry inbox");
  return { notes: (notes ?? []).sort(), ...(carried ? { carried: carriedFromStored(carried) } : {}) };
}

/**
 * Closes the inbox of `into` with what its bill carries, if it is not closed yet and holds exactly the
 * `notesRead` notes the bill read: false when a note came in since (read again) or another run closed it.
 * `"any"` closes it whatever it holds: for a bill charged before the inboxes, whose ledger was read whole.
 */
export async function closeCarryInbox(
  contractId: string,
  into: string,
  notesRead: number | "any",
  carried: readonly Carried[],
): Promise<boolean> {
  const notesAsRead =
    notesRead === "any"
      ? ""
      : notesRead === 0
        ? " AND attribute_not_exists(notes)"
        : " AND size(notes) = :count";
  return conditionalUpdate(
    contractKey(contractId),
    inboxKey(into),
    "SET carried = :carried, expiresAt = if_not_exists(expiresAt, :expires)",
    `attribute_not_exists(carried)${notesAsRead}`,
    {
      values: {
        ":carried": carriedToStored(carried),
        ":expires": ledgerExpiresAtSeconds(into),
        ...(typeof notesRead === "number" && notesRead > 0 ? { ":count": notesRead } : {}),
      },
    },
    { orCreate: true },
  );
}

/**
 * What the bill of `into` carried: its closed inbox's, or for a bill charged before the inboxes (ADR 0097's
 * index of older contracts), its charge's.
 */
async function carriedBy(contractId: string, into: string): Promise<Carried[]> {
  const inbox = await carryInbox(contractId, into);
  if (inbox.carried) return inbox.carried;
  return (await getLedgerEntry(contractId, `${into}#charge`))?.carried ?? [];
}

/**
 * What `source` still carries (R-RECON-4, R-PAY-1): read from the source's own period and what the bills
 * its carried-by marks name carried — a mark whose bill did not close, or closed without this source,
 * counts nothing.
 */
export async function carriesStillFrom(contractId: string, source: string): Promise<Carried[]> {
  const { entries, carriedBy: bills } = await periodLedger(contractId, source);
  return carriesFrom(entries, source, await carriedByBills(contractId, bills));
}

/** The period's entries and what bills carried from it so far, as its carried-by marks lead to them. */
export async function periodLedgerAndCarried(
  contractId: string,
  period: string,
): Promise<{ entries: LedgerEntry[]; carriedFrom: Carried[] }> {
  const { entries, carriedBy: bills } = await periodLedger(contractId, period);
  const carried = await carriedByBills(contractId, bills);
  return { entries, carriedFrom: carried.filter((c) => c.sourcePeriod === period) };
}

async function carriedByBills(contractId: string, bills: readonly string[]): Promise<Carried[]> {
  return (await Promise.all(bills.map((into) => carriedBy(contractId, into)))).flat();
}

/**
 * Marks each source of `carried` as carried by the bill of `into`, before that bill closes its inbox
 * (ADR 0097): a crash in between leaves a mark with nothing carried behind it, which counts nothing.
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
