/**
 * Early termination (提前终止, R-TERM-3, 合同第十条10.1款): "因特殊情况需提前终止协议，需于…提前终止协议前30日将协议
 * 终止事宜等内容书面通知对方". The notice is judged against the early end date minus 30 calendar days (R-WD-4),
 * deemed delivered as 9.3 says (R-NOTICE-2); a late one names the earliest end date it would make lawful.
 */
import {
  type DeemedDeliveryTable,
  type DeliveryMethod,
  type DeliveryRegion,
  deemedDeliveryDate,
} from "./notices";
import { addDays, type LocalDate } from "./time";

export class TerminationInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TerminationInputError";
  }
}

export interface TerminationAssessment {
  /** The last day the notice may be deemed delivered: the end date minus the notice days. */
  deadline: LocalDate;
  deemedDeliveredOn: LocalDate;
  inTime: boolean;
  /** The earliest end date this notice makes lawful: its deemed delivery plus the notice days. */
  earliestLawfulEnd: LocalDate;
}

export function assessTermination(input: {
  method: DeliveryMethod;
  region: DeliveryRegion | null;
  dispatched: LocalDate;
  /** The contract's last day under the notice. */
  end: LocalDate;
  /** nonRenewalNoticeDays: 10.1 names one notice period for both non-renewal and early termination. */
  noticeDays: number;
  table: DeemedDeliveryTable;
  /** The term the end date falls in (R-TERM-4): an early end lies within it. */
  term: { firstDay: LocalDate; lastDay: LocalDate };
}): TerminationAssessment {
  if (input.end < input.term.firstDay || input.end > input.term.lastDay)
    throw new TerminationInputError(
      `--end ${input.end} is not in the term in force (${input.term.firstDay} to ${input.term.lastDay})`,
    );
  if (input.end <= input.dispatched)
    throw new TerminationInputError(`--end ${input.end} must come after the notice (${input.dispatched})`);
  const deemedDeliveredOn = deemedDeliveryDate(input.method, input.region, input.dispatched, input.table);
  const deadline = addDays(input.end, -input.noticeDays);
  return {
    deadline,
    deemedDeliveredOn,
    inTime: deemedDeliveredOn <= deadline,
    earliestLawfulEnd: addDays(deemedDeliveredOn, input.noticeDays),
  };
}
