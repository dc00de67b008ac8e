/**
 * Written notices (书面通知) and when they count as delivered (R-NOTICE-1, R-NOTICE-2, clause 9.3).
 *
 * "Day N after dispatch" = dispatch date + N calendar days (R-WD-4: no 工作日 in the clause). Personal
 * delivery counts on the day the recipient signs and fax on the day of the transmission report, so for those
 * two the date given is that day itself (0 days). Email is not a written notice (R-NOTICE-1) and has no entry.
 */
import { addDays, daysBetween, type LocalDate, parseLocalDate } from "./time";

export const DELIVERY_METHODS = ["personal", "fax", "express", "registered"] as const;
export const DELIVERY_REGIONS = ["same-city", "mainland", "hk-macao-taiwan", "abroad"] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];
export type DeliveryRegion = (typeof DELIVERY_REGIONS)[number];

/**
 * Clause 9.3: calendar days from dispatch to deemed delivery, for the methods whose delivery depends on
 * region — the contract's `deemedDeliveryDays` rule (read by renewalRulesFrom), never a table in code.
 */
export type DeemedDeliveryTable = Readonly<
  Record<"express" | "registered", Readonly<Record<DeliveryRegion, number>>>
>;

export class NoticeInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NoticeInputError";
  }
}

/** Days from dispatch to deemed delivery (R-NOTICE-2). Region is required for express and registered mail only. */
export function deemedDeliveryDays(
  method: DeliveryMethod,
  region: DeliveryRegion | null,
  table: DeemedDeliveryTable,
): number {
  if (method === "personal" || method === "fax") {
    if (region !== null) throw new NoticeInputError(`${method} delivery takes no region`);
    return 0;
  }
  if (!DELIVERY_METHODS.includes(method))
    throw new NoticeInputError(`unknown delivery method ${String(method)}`);
  if (region === null || !DELIVERY_REGIONS.includes(region)) {
    throw new NoticeInputError(
      `${method} needs a region (${DELIVERY_REGIONS.join(", ")}), got ${String(region)}`,
    );
  }
  return table[method][region];
}

/**
 * R-NOTICE-2: the day a notice is deemed delivered. `dispatched` is the dispatch day — for personal delivery
 * the day the recipient signed, for fax the day on the transmission report.
 */
export function deemedDeliveryDate(
  method: DeliveryMethod,
  region: DeliveryRegion | null,
  dispatched: LocalDate,
  table: DeemedDeliveryTable,
): LocalDate {
  return addDays(parseLocalDate(dispatched), deemedDeliveryDays(method, region, table));
}

/** The last dispatch day that is still deemed delivered on or before `deliverBy` (R-NOTICE-3). */
export function latestDispatchDate(
  method: DeliveryMethod,
  region: DeliveryRegion | null,
  deliverBy: LocalDate,
  table: DeemedDeliveryTable,
): LocalDate {
  return addDays(parseLocalDate(deliverBy), -deemedDeliveryDays(method, region, table));
}

export interface NoticeAssessment {
  deemedDeliveredOn: LocalDate;
  inTime: boolean;
  /** Calendar days after the deadline, when late. */
  daysLate?: number;
}

/** Was a notice sent this way on this day deemed delivered by the deadline day (inclusive)? */
export function assessNotice(input: {
  method: DeliveryMethod;
  region: DeliveryRegion | null;
  dispatched: LocalDate;
  deadline: LocalDate;
  table: DeemedDeliveryTable;
}): NoticeAssessment {
  const deemedDeliveredOn = deemedDeliveryDate(input.method, input.region, input.dispatched, input.table);
  const late = daysBetween(parseLocalDate(input.deadline), deemedDeliveredOn);
  return late > 0
    ? { deemedDeliveredOn, inTime: false, daysLate: late }
    : { deemedDeliveredOn, inTime: true };
}
