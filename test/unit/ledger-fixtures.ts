/** Ledger entries for unit tests of functions/core/ledger.ts: each id unique and starting with its period (ADR 0010). */
import type { LedgerEntry } from "../../functions/core/ledger";

let sequence = 0;

export function entry(
  period: string,
  kind: LedgerEntry["kind"],
  amountFen: bigint,
  extra: Partial<LedgerEntry> = {},
) {
  sequence++;
  return {
    entryId: `${period}#${kind}#${sequence}`,
    period,
    kind,
    amountFen,
    at: "2025-10-02T00:00:00+08:00",
    recordedAt: "2025-10-02T00:00:00+08:00",
    who: "operator",
    ...extra,
  } satisfies LedgerEntry;
}
