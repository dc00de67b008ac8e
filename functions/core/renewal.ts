/**
 * Contract terms, automatic renewal and the non-renewal notice deadline (R-TERM-1..4, R-NOTICE-2, R-NOTICE-3).
 * All counts here are calendar days (R-WD-4); no working-day calendar is involved, so nothing is provisional.
 */
import type { Deadline } from "./deadlines";
import {
  DELIVERY_REGIONS,
  type DeemedDeliveryTable,
  type DeliveryMethod,
  type DeliveryRegion,
  deemedDeliveryDays,
  latestDispatchDate,
} from "./notices";
import { addDays, endOfDay, formatInstant, type LocalDate, parseLocalDate, startOfDay } from "./time";

// Deemed delivery lives in notices.ts (it serves every written notice, R-NOTICE-2); re-exported because
// renewal is where callers reach for it first.
export { assessNotice, deemedDeliveryDate } from "./notices";

/** The contract's tunables these rules read (`rules.<name>.value` of a contract file). */
export interface RenewalRules {
  termYears: number; // R-TERM-1
  nonRenewalNoticeDays: number; // R-TERM-3
  renewalReminderLeadDays: number; // R-NOTICE-3
  deemedDeliveryDays: DeemedDeliveryTable; // R-NOTICE-2
}

/** The contract's `deemedDeliveryDays` keys (clause 9.3's wording) by method and region. */
const DEEMED_DELIVERY_KEYS: Record<"express" | "registered", Record<DeliveryRegion, string>> = {
  express: {
    "same-city": "expressSameCity",
    mainland: "expressMainland",
    "hk-macao-taiwan": "expressHongKongMacaoTaiwan",
    abroad: "expressAbroad",
  },
  registered: {
    "same-city": "registeredMailSameCity",
    mainland: "registeredMailMainland",
    "hk-macao-taiwan": "registeredMailHongKongMacaoTaiwan",
    abroad: "registeredMailAbroad",
  },
};

function deemedDeliveryTableFrom(value: unknown): DeemedDeliveryTable {
  const days = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const read = (key: string): number => {
    const n = days[key];
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 366) {
      throw new RenewalInputError(
        `contract rule deemedDeliveryDays.${key} must be an integer 0–366, got ${String(n)}`,
      );
    }
    return n;
  };
  const row = (method: "express" | "registered") =>
    Object.fromEntries(
      DELIVERY_REGIONS.map((region) => [region, read(DEEMED_DELIVERY_KEYS[method][region])]),
    ) as Record<DeliveryRegion, number>;
  return { express: row("express"), registered: row("registered") };
}

export class RenewalInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RenewalInputError";
  }
}

export function renewalRulesFrom(rules: Record<string, { value: unknown } | undefined>): RenewalRules {
  const read = (name: keyof RenewalRules, min: number, max: number): number => {
    const value = rules[name]?.value;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      throw new RenewalInputError(
        `contract rule ${name} must be an integer ${min}–${max}, got ${String(value)}`,
      );
    }
    return value;
  };
  return {
    termYears: read("termYears", 1, 100),
    nonRenewalNoticeDays: read("nonRenewalNoticeDays", 0, 366),
    renewalReminderLeadDays: read("renewalReminderLeadDays", 0, 366),
    deemedDeliveryDays: deemedDeliveryTableFrom(rules.deemedDeliveryDays?.value),
  };
}

/**
 * The same day `years` later. A 29 February has no same day in a common year; its anniversary is then
 * 1 March, so that the term ends on 28 February, the day before (R-TERM-4).
 */
export function anniversary(date: LocalDate, years: number): LocalDate {
  const [y, m, d] = parseLocalDate(date).split("-").map(Number) as [number, number, number];
  const year = y + years;
  const isLeap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const padded = String(year).padStart(4, "0");
  if (m === 2 && d === 29 && !isLeap) return `${padded}-03-01`;
  return `${padded}${date.slice(4)}`;
}

export interface TermDates {
  term: number;
  firstDay: LocalDate;
  lastDay: LocalDate;
  nextTermFirstDay: LocalDate;
}

/**
 * R-TERM-2, R-TERM-4: term 1 starts on `termStart`; each term runs to the day before its own first day's
 * anniversary, and the next (renewed) term starts the day after. Each renewed term is measured from its own
 * first day, so a 29 February start gives 2028-02-29..2029-02-28, then 2029-03-01..2030-02-28.
 */
export function termDates(termStart: LocalDate, termNumber: number, termYears: number): TermDates {
  if (!Number.isSafeInteger(termNumber) || termNumber < 1 || termNumber > 1000) {
    throw new RenewalInputError(`term number must be an integer 1–1000, not ${termNumber}`);
  }
  if (!Number.isSafeInteger(termYears) || termYears < 1) {
    throw new RenewalInputError(`term length must be a positive number of years, not ${termYears}`);
  }
  let firstDay = parseLocalDate(termStart);
  for (let term = 1; ; term++) {
    const nextTermFirstDay = anniversary(firstDay, termYears);
    if (term === termNumber)
      return { term, firstDay, lastDay: addDays(nextTermFirstDay, -1), nextTermFirstDay };
    firstDay = nextTermFirstDay;
  }
}

/** The term a day falls in (1-based); a day before the first term is refused. */
export function termContaining(termStart: LocalDate, day: LocalDate, termYears: number): TermDates {
  if (parseLocalDate(day) < parseLocalDate(termStart)) {
    throw new RenewalInputError(`${day} is before the contract takes effect (${termStart})`);
  }
  for (let term = 1; term <= 1000; term++) {
    const dates = termDates(termStart, term, termYears);
    if (day <= dates.lastDay) return dates;
  }
  throw new RenewalInputError(`${day} is more than 1000 terms after ${termStart}`);
}

/**
 * R-TERM-3, R-TERM-4: a non-renewal notice must be deemed delivered (R-NOTICE-2) on or before the term's last
 * day minus N calendar days.
 */
export function nonRenewalDeadline(termLastDay: LocalDate, noticeDays: number): Deadline {
  const date = addDays(parseLocalDate(termLastDay), -noticeDays);
  return {
    rule: "R-TERM-3",
    name: "non-renewal notice deemed delivered by",
    date,
    at: formatInstant(endOfDay(date)),
    kind: "deadline",
    provisional: false,
  };
}

export interface DispatchOption {
  method: DeliveryMethod;
  region: DeliveryRegion | null;
  deemedDeliveryDays: number;
  latestDispatchDate: LocalDate;
}

/** R-NOTICE-3: for every method (and region), the last day to dispatch a notice that still meets `deadline`. */
export function latestDispatchDates(
  deadline: Deadline | LocalDate,
  table: DeemedDeliveryTable,
): DispatchOption[] {
  const deliverBy = typeof deadline === "string" ? deadline : deadline.date;
  const options: Array<[DeliveryMethod, DeliveryRegion | null]> = [
    ["personal", null],
    ["fax", null],
    ...DELIVERY_REGIONS.map((region): [DeliveryMethod, DeliveryRegion] => ["express", region]),
    ...DELIVERY_REGIONS.map((region): [DeliveryMethod, DeliveryRegion] => ["registered", region]),
  ];
  return options.map(([method, region]) => ({
    method,
    region,
    deemedDeliveryDays: deemedDeliveryDays(method, region, table),
    latestDispatchDate: latestDispatchDate(method, region, deliverBy, table),
  }));
}

/**
 * R-NOTICE-3: both contacts are reminded N days before the earliest latest-dispatch date (registered mail
 * abroad), so every method is still open when the reminder arrives.
 */
export function renewalReminderDate(options: DispatchOption[], leadDays: number): LocalDate {
  const earliest = options.map((o) => o.latestDispatchDate).sort()[0];
  if (earliest === undefined) throw new RenewalInputError("no dispatch options to remind about");
  return addDays(earliest, -leadDays);
}

export interface RenewalSchedule extends TermDates {
  nonRenewalDeadline: Deadline;
  latestDispatch: DispatchOption[];
  reminderDate: LocalDate;
  /** The instant the reminder day starts, ISO-8601 +08:00 (for a scheduler). */
  reminderAt: string;
}

/** Everything RenewalWatch and `ops renewal` need for one term. */
export function renewalSchedule(
  termStart: LocalDate,
  termNumber: number,
  rules: RenewalRules,
): RenewalSchedule {
  const dates = termDates(termStart, termNumber, rules.termYears);
  const deadline = nonRenewalDeadline(dates.lastDay, rules.nonRenewalNoticeDays);
  const latestDispatch = latestDispatchDates(deadline, rules.deemedDeliveryDays);
  const reminderDate = renewalReminderDate(latestDispatch, rules.renewalReminderLeadDays);
  return {
    ...dates,
    nonRenewalDeadline: deadline,
    latestDispatch,
    reminderDate,
    reminderAt: formatInstant(startOfDay(reminderDate)),
  };
}
