/**
 * `npm run bench:scale`'s check that every cycle is correct — closed, and the same bill for the same usage in
 * every contract — made while the cycles are still stored. DynamoDB's TTL deletes a cycle about 14 months
 * after its period (R-RETAIN-1, 合同第三条3.9款; ADR 0033), so a check made only at the end of a longer run
 * could not see the oldest periods. Each period's cycles are read at the start of the second month after it:
 * the age at which the end-of-run check has always seen the last period, and a year before TTL can delete
 * them. The end of the run reads every cycle again, and what is still stored then is what counts.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import { cycleKey, cycleOf } from "../functions/adapters/repository/cycle-record";
import { contractKey } from "../functions/adapters/repository/table";
import { formatFen } from "../functions/core/money";
import { firstDayOfPeriod, nextPeriod, type Period, startOfDay } from "../functions/core/time";

/** What the check keeps of one stored cycle. */
export interface SeenCycle {
  closed: boolean;
  /** The bill's total in yuan text (`1234.56`, R-MONEY-1): equal bills, equal text. */
  billTotal: string;
}

/** One read of some contracts' cycles of one period: the cycles found, by contract (absent: not stored). */
export type CycleReading = Map<string, SeenCycle>;

/** The `correct` block of the bench's report. */
export interface CycleVerdict {
  cyclesClosed: number;
  contractMonths: number;
  sameBillForSameUsage: boolean;
  /** Every period was read as its cycles closed, not only at the end of the run. */
  checkedAsTheyClosed: true;
  /** Closed cycles counted from the read as they closed, which TTL had deleted by the end of the run. */
  confirmedBeforeTtlDeleted: number;
}

/** When `period`'s cycles are read: 00:00 Asia/Shanghai on the first day of the second month after it. */
export function checkInstant(period: Period): Date {
  return startOfDay(firstDayOfPeriod(nextPeriod(nextPeriod(period))));
}

export class CycleCheck {
  private readonly asTheyClosed = new Map<Period, CycleReading>();
  private readonly atEnd = new Map<Period, CycleReading>();

  constructor(
    private readonly contractIds: readonly string[],
    private readonly periods: readonly Period[],
  ) {}

  /** Records the read of `period`'s cycles made as they closed. */
  recordAsTheyClosed(period: Period, reading: CycleReading): void {
    this.asTheyClosed.set(period, reading);
  }

  /** Records the read of `period`'s cycles made at the end of the run. */
  recordAtEnd(period: Period, reading: CycleReading): void {
    this.atEnd.set(period, reading);
  }

  verdict(): CycleVerdict {
    let closed = 0;
    let expired = 0;
    let everyPeriodBilled = true;
    let oneBillEach = true;
    for (const period of this.periods) {
      const totals = new Set<string>();
      for (const contractId of this.contractIds) {
        const stored = this.atEnd.get(period)?.get(contractId);
        const seen = stored ?? this.asTheyClosed.get(period)?.get(contractId);
        if (!seen) continue;
        if (seen.closed) {
          closed++;
          if (!stored) expired++;
        }
        totals.add(seen.billTotal);
      }
      if (totals.size === 0) everyPeriodBilled = false;
      if (totals.size > 1) oneBillEach = false;
    }
    return {
      cyclesClosed: closed,
      contractMonths: this.contractIds.length * this.periods.length,
      sameBillForSameUsage: everyPeriodBilled && oneBillEach,
      checkedAsTheyClosed: true,
      confirmedBeforeTtlDeleted: expired,
    };
  }
}

/**
 * Reads `period`'s cycle of each contract by key, 100 keys a request (BatchGetItem's limit), with `client`:
 * one that reaches the table past the bench's DynamoDB meter, so the check is not counted as the run's reads.
 */
export async function readCycles(
  client: DynamoDBDocumentClient,
  tableName: string,
  contractIds: readonly string[],
  period: Period,
): Promise<CycleReading> {
  const reading: CycleReading = new Map();
  for (let i = 0; i < contractIds.length; i += 100) {
    let keys: Array<Record<string, unknown>> | undefined = contractIds
      .slice(i, i + 100)
      .map((contractId) => ({ PK: contractKey(contractId), SK: cycleKey(period) }));
    while (keys && keys.length > 0) {
      const page: BatchGetCommandOutput = await client.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys } } }),
      );
      for (const item of page.Responses?.[tableName] ?? []) {
        const cycle = cycleOf(item);
        reading.set(cycle.contractId, {
          closed: Boolean(cycle.closedAt),
          billTotal: formatFen(cycle.billTotalFen),
        });
      }
      keys = page.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return reading;
}
