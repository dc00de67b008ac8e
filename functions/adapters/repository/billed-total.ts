/**
 * R-BUDGET-1's running billed total of a contract (ADR 0054): every bill counted once, keyed by its period,
 * and the budget thresholds already warned. Cycles expire by TTL 12 months after their bill (R-RETAIN-1,
 * ADR 0033), so a sum over the stored cycles would undercount from the 14th month on; this item holds
 * totals and period names only (no personal data) and lives as long as the contract.
 */
import * as z from "zod";
import { formatFen, MONEY_PATTERN, parseYuanToFen } from "../../core/money";
import { listCycles } from "./cycles";
import { conditionalUpdate, contractKey, getItem, parseRecord, putIfAbsent } from "./table";

const BILLED_SK = "BILLED";

/** Money as 2-decimal yuan text under `billed`, as every stored amount (ADR 0014). */
const billedTotalSchema = z.object({
  billed: z
    .string()
    .regex(MONEY_PATTERN)
    .transform((text) => parseYuanToFen(text, "any")),
  periods: z.array(z.string()),
  warnedPercents: z.array(z.string()).default([]),
});

export interface BilledTotal {
  billedFen: bigint;
  /** The periods whose bills are in the total. */
  periods: string[];
  /** The budget thresholds (percent text, as the contract writes them) both contacts were warned of. */
  warnedPercents: string[];
}

async function readBilledTotal(contractId: string): Promise<BilledTotal | undefined> {
  const item = await getItem<Record<string, unknown>>(contractKey(contractId), BILLED_SK);
  if (!item) return undefined;
  const { billed, periods, warnedPercents } = parseRecord(billedTotalSchema, item, "billed total");
  return { billedFen: billed, periods, warnedPercents };
}

/**
 * The contract's billed total. A contract billed before the total was kept starts it from the cycles still
 * stored (all of them while none has expired); a concurrent start loses to the first.
 */
export async function billedTotal(contractId: string): Promise<BilledTotal> {
  const stored = await readBilledTotal(contractId);
  if (stored) return stored;
  const cycles = await listCycles(contractId);
  await putIfAbsent({
    PK: contractKey(contractId),
    SK: BILLED_SK,
    billed: formatFen(cycles.reduce((sum, cycle) => sum + cycle.billTotalFen, 0n)),
    periods: cycles.map((cycle) => cycle.period),
    warnedPercents: [],
  });
  const started = await readBilledTotal(contractId);
  if (!started) throw new Error(`the billed total of contract ${contractId} was not stored`);
  return started;
}

/** Attempts before giving up on a total other writers keep changing (each loses only to a new count). */
const COUNT_ATTEMPTS = 10;

/**
 * Adds the bill of `period` to the total once: the write is conditional on the total it read and on the
 * period not being counted yet, so a retried or concurrent bill step adds nothing. False if already counted.
 */
export async function countBillOnce(
  contractId: string,
  period: string,
  billTotalFen: bigint,
): Promise<boolean> {
  for (let attempt = 0; attempt < COUNT_ATTEMPTS; attempt++) {
    const total = await billedTotal(contractId);
    if (total.periods.includes(period)) return false;
    const counted = await conditionalUpdate(
      contractKey(contractId),
      BILLED_SK,
      "SET billed = :after, periods = list_append(periods, :period)",
      "billed = :before AND NOT contains(periods, :name)",
      {
        values: {
          ":before": formatFen(total.billedFen),
          ":after": formatFen(total.billedFen + billTotalFen),
          ":period": [period],
          ":name": period,
        },
      },
    );
    if (counted) return true;
  }
  throw new Error(`the billed total of contract ${contractId} kept changing while counting ${period}`);
}

/** Notes that both contacts were warned at `percent` (after the warning left the outbox). */
export async function markBudgetWarned(contractId: string, percent: string): Promise<void> {
  await conditionalUpdate(
    contractKey(contractId),
    BILLED_SK,
    "SET warnedPercents = list_append(if_not_exists(warnedPercents, :none), :percent)",
    "attribute_not_exists(warnedPercents) OR NOT contains(warnedPercents, :name)",
    { values: { ":percent": [percent], ":none": [], ":name": percent } },
  );
}
