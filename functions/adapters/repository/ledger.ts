/** The ledger (ADR 0010): immutable entries, each written once under an id fixed by its step. */

import { fromStored, type LedgerEntry, toStored } from "../../core/ledger";
import { ledgerExpiresAtSeconds } from "../../core/retention";
import { contractKey, getItem, putIfAbsent, queryAll, strip } from "./table";

const ledgerKey = (entryId: string) => `LEDGER#${entryId}`;

/**
 * Writes a ledger entry once; false when an entry with that id exists (the step already wrote it). An id
 * starts with its period (ADR 0010), which is what lets one period be read alone ({@link periodLedgerEntries}).
 */
export async function putLedgerEntry(contractId: string, entry: LedgerEntry): Promise<boolean> {
  if (!entry.entryId.startsWith(`${entry.period}#`))
    throw new Error(`ledger entry ${entry.entryId} does not start with its period ${entry.period}`);
  return putIfAbsent({
    PK: contractKey(contractId),
    SK: ledgerKey(entry.entryId),
    ...toStored(entry),
    // R-RETAIN-1 (ADR 0070): the period's entries expire together by TTL.
    expiresAt: ledgerExpiresAtSeconds(entry.period),
  });
}

export async function getLedgerEntry(contractId: string, entryId: string): Promise<LedgerEntry | undefined> {
  const item = await getItem<Record<string, unknown>>(contractKey(contractId), ledgerKey(entryId));
  return item ? fromStored(strip(item)) : undefined;
}

/**
 * Every entry of the contract's ledger (ids start with their period, so this is period order): what grows
 * with the contract's age, up to the retention (ADR 0070). A step about one period reads that period alone.
 */
export async function ledgerEntries(contractId: string): Promise<LedgerEntry[]> {
  return (await queryAll<Record<string, unknown>>(contractKey(contractId), "LEDGER#")).map((item) =>
    fromStored(strip(item)),
  );
}

/** The entries of one period: the same whether the contract is in its first month or its tenth year (ADR 0086). */
export async function periodLedgerEntries(contractId: string, period: string): Promise<LedgerEntry[]> {
  return (await queryAll<Record<string, unknown>>(contractKey(contractId), ledgerKey(`${period}#`))).map(
    (item) => fromStored(strip(item)),
  );
}
