/**
 * The deadlines of the monthly cycle and of the other dated obligations, each as a day in Asia/Shanghai with
 * the instant it ends, the rule it comes from, and whether a provisional calendar was involved (R-WD-3).
 *
 * Working-day counts come only from the calendar module (R-WD-1, R-WD-2); "N days" without 工作日 are
 * calendar days (R-WD-4). Every function takes the contract's tunables as plain values, so a contract with
 * other numbers needs no code change.
 */
import { defaultCalendar, type WorkingDayCalendar } from "./calendar";
import {
  addDays,
  addMonths,
  endOfDay,
  firstDayOfPeriod,
  formatInstant,
  type LocalDate,
  lastDayOfPeriod,
  type Period,
  parseLocalDate,
  parsePeriod,
  periodOf,
  shanghaiDateOf,
  startOfDay,
} from "./time";

/** The contract's tunables these rules read (`rules.<name>.value` of a contract file). */
export interface DeadlineRules {
  billDueWorkingDays: number; // R-BILL-1
  reconciliationWorkingDays: number; // R-RECON-1
  reconciliationReminderWorkingDaysBefore: number; // R-RECON-5
  reReconciliationWorkingDays: number; // R-RECON-3
  paymentWorkingDays: number; // R-PAY-1
  invoiceWorkingDays: number; // R-INV-1
  bankChangeNoticeDays: number; // R-BANK-1
  serviceChangeCutoffDay: number; // R-CHANGE-1
  billingDataRetentionMonths: number; // R-RETAIN-1
  breachCureDays: number; // R-BREACH-1
}

export interface Deadline {
  rule: string;
  /** What is due, in plain English (e.g. "bill due"). */
  name: string;
  date: LocalDate;
  /**
   * The instant, ISO-8601 with +08:00: the end of the day (23:59:59) for a deadline, the start of the day
   * (00:00:00) for an effective date or a reminder day.
   */
  at: string;
  kind: "deadline" | "effective" | "reminder";
  /** True when a working day on the way was taken from a provisional calendar (R-WD-3). */
  provisional: boolean;
  /** True when an input was assumed rather than recorded (e.g. the bill assumed sent on its due day). */
  assumed?: boolean;
}

export class DeadlineInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DeadlineInputError";
  }
}

/** Reads the deadline tunables out of a contract's `rules` object (`{ name: { value, rule } }`). */
export function deadlineRulesFrom(rules: Record<string, { value: unknown } | undefined>): DeadlineRules {
  const read = (name: keyof DeadlineRules, min: number, max: number): number => {
    const value = rules[name]?.value;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      throw new DeadlineInputError(
        `contract rule ${name} must be an integer ${min}–${max}, got ${String(value)}`,
      );
    }
    return value;
  };
  return {
    billDueWorkingDays: read("billDueWorkingDays", 1, 366),
    reconciliationWorkingDays: read("reconciliationWorkingDays", 1, 366),
    reconciliationReminderWorkingDaysBefore: read("reconciliationReminderWorkingDaysBefore", 1, 30),
    reReconciliationWorkingDays: read("reReconciliationWorkingDays", 1, 366),
    paymentWorkingDays: read("paymentWorkingDays", 1, 366),
    invoiceWorkingDays: read("invoiceWorkingDays", 1, 366),
    bankChangeNoticeDays: read("bankChangeNoticeDays", 0, 366),
    serviceChangeCutoffDay: read("serviceChangeCutoffDay", 1, 31),
    billingDataRetentionMonths: read("billingDataRetentionMonths", 0, 1200),
    breachCureDays: read("breachCureDays", 0, 366),
  };
}

function deadlineOn(rule: string, name: string, date: LocalDate, provisional: boolean): Deadline {
  return { rule, name, date, at: formatInstant(endOfDay(date)), kind: "deadline", provisional };
}

function startingOn(
  kind: "effective" | "reminder",
  rule: string,
  name: string,
  date: LocalDate,
  provisional = false,
): Deadline {
  return { rule, name, date, at: formatInstant(startOfDay(date)), kind, provisional };
}

function dayOf(when: Date | LocalDate): LocalDate {
  if (typeof when === "string") return parseLocalDate(when);
  if (!(when instanceof Date) || Number.isNaN(when.getTime())) {
    throw new DeadlineInputError(`not a valid instant: ${String(when)}`);
  }
  return shanghaiDateOf(when);
}

/** R-WD-2: the end of the n-th working day after the calendar day of X. */
function workingDaysAfter(
  rule: string,
  name: string,
  x: Date | LocalDate,
  n: number,
  calendar: WorkingDayCalendar,
): Deadline {
  const { date, provisional } = calendar.addWorkingDays(dayOf(x), n);
  return deadlineOn(rule, name, date, provisional);
}

/** R-BILL-1: the bill is emailed within N working days after the period's last day. */
export function billDue(period: Period, rules: DeadlineRules, calendar = defaultCalendar()): Deadline {
  return workingDaysAfter(
    "R-BILL-1",
    "bill due",
    lastDayOfPeriod(parsePeriod(period)),
    rules.billDueWorkingDays,
    calendar,
  );
}

/**
 * R-RECON-1: Party A reconciles within N working days of receiving the bill. The bill is an email, so it is
 * received when it is sent (architecture: the sent instant is the receipt).
 */
export function reconciliationDue(
  billSentAt: Date | LocalDate,
  rules: DeadlineRules,
  calendar = defaultCalendar(),
): Deadline {
  return workingDaysAfter(
    "R-RECON-1",
    "reconciliation due",
    billSentAt,
    rules.reconciliationWorkingDays,
    calendar,
  );
}

/**
 * R-RECON-5: the reminder goes out N working days before the reconciliation deadline — the contract's
 * `reconciliationReminderWorkingDaysBefore` (1: the last working day before it).
 */
export function reconciliationReminderDate(
  reconciliationDeadline: Deadline | LocalDate,
  rules: Pick<DeadlineRules, "reconciliationReminderWorkingDaysBefore">,
  calendar = defaultCalendar(),
): { date: LocalDate; provisional: boolean } {
  let date =
    typeof reconciliationDeadline === "string" ? reconciliationDeadline : reconciliationDeadline.date;
  let provisional = typeof reconciliationDeadline === "string" ? false : reconciliationDeadline.provisional;
  for (let i = 0; i < rules.reconciliationReminderWorkingDaysBefore; i++) {
    const before = calendar.previousWorkingDay(date);
    date = before.date;
    provisional ||= before.provisional;
  }
  return { date, provisional };
}

/**
 * R-RECON-3: both parties re-reconcile "within 10 working days". The clause names no starting event; we
 * count from the day the re-reconciliation opens, i.e. the day Party A's dispute (a figure beyond the 5 %
 * tolerance) is received — that is the moment both parties know a re-reconciliation is needed.
 */
export function reReconciliationDue(
  disputeReceivedAt: Date | LocalDate,
  rules: DeadlineRules,
  calendar = defaultCalendar(),
): Deadline {
  return workingDaysAfter(
    "R-RECON-3",
    "re-reconciliation due",
    disputeReceivedAt,
    rules.reReconciliationWorkingDays,
    calendar,
  );
}

/** R-PAY-1: Party A pays within N working days of receiving the bill (its sent instant, see above). */
export function paymentDue(
  billSentAt: Date | LocalDate,
  rules: DeadlineRules,
  calendar = defaultCalendar(),
): Deadline {
  return workingDaysAfter("R-PAY-1", "payment due", billSentAt, rules.paymentWorkingDays, calendar);
}

/** R-INV-1: Party B issues the VAT invoice within N working days of receiving the payment. */
export function invoiceDue(
  paidAt: Date | LocalDate,
  rules: DeadlineRules,
  calendar = defaultCalendar(),
): Deadline {
  return workingDaysAfter("R-INV-1", "invoice due", paidAt, rules.invoiceWorkingDays, calendar);
}

/**
 * R-CHANGE-1: a service change requested on or before the cutoff day (the 15th) takes effect on the 1st of the
 * next month; a later request on the 1st of the month after next.
 */
export function serviceChangeEffective(
  requestedOn: Date | LocalDate,
  rules: Pick<DeadlineRules, "serviceChangeCutoffDay">,
): Deadline {
  const day = dayOf(requestedOn);
  const monthsAhead = Number(day.slice(8, 10)) <= rules.serviceChangeCutoffDay ? 1 : 2;
  return startingOn(
    "effective",
    "R-CHANGE-1",
    "service change effective",
    addMonths(`${periodOf(day)}-01`, monthsAhead),
  );
}

/**
 * R-BANK-1 (calendar days, R-WD-4): a new account is used on statements from N days after the written notice
 * is recorded.
 */
export function bankAccountEffective(
  noticeRecordedOn: Date | LocalDate,
  rules: Pick<DeadlineRules, "bankChangeNoticeDays">,
): Deadline {
  return startingOn(
    "effective",
    "R-BANK-1",
    "new bank account effective",
    addDays(dayOf(noticeRecordedOn), rules.bankChangeNoticeDays),
  );
}

/**
 * R-RETAIN-1: billing data is kept N months after the month the bill was produced, that month not counted;
 * objections are accepted within the same window. A bill produced in October 2025 is kept to 2026-10-31.
 */
export function retention(
  billProducedOn: Date | LocalDate,
  rules: Pick<DeadlineRules, "billingDataRetentionMonths">,
): { retentionEnd: Deadline; objectionWindowEnd: Deadline } {
  const producedIn = periodOf(dayOf(billProducedOn));
  const lastDay = lastDayOfPeriod(
    periodOf(addMonths(firstDayOfPeriod(producedIn), rules.billingDataRetentionMonths)),
  );
  return {
    retentionEnd: deadlineOn("R-RETAIN-1", "billing data retained until", lastDay, false),
    objectionWindowEnd: deadlineOn("R-RETAIN-1", "objection window ends", lastDay, false),
  };
}

/**
 * R-BREACH-1 (calendar days, R-WD-4): after a written breach notice is delivered, the other party has N days
 * to cure and confirm in writing, or to object in writing.
 */
export function breachCureDeadline(
  noticeDeliveredOn: Date | LocalDate,
  rules: Pick<DeadlineRules, "breachCureDays">,
): Deadline {
  return deadlineOn(
    "R-BREACH-1",
    "breach cure deadline",
    addDays(dayOf(noticeDeliveredOn), rules.breachCureDays),
    false,
  );
}

export interface CycleInput {
  period: Period;
  /** When the bill was emailed; absent → assumed sent on the bill due day (deadlines flagged `assumed`). */
  billSentAt?: Date;
  /** When a dispute beyond tolerance was received (opens the re-reconciliation, R-RECON-3). */
  disputeReceivedAt?: Date;
  /** When the payment was received (starts the invoice deadline, R-INV-1). */
  paidAt?: Date;
  rules: DeadlineRules;
  calendar?: WorkingDayCalendar;
}

/**
 * Every deadline of one billing cycle, in order of the cycle. Deadlines that depend on an event not yet
 * recorded (re-reconciliation, invoice) are only listed once that event is given.
 */
export function cycleDeadlines(input: CycleInput): Deadline[] {
  const calendar = input.calendar ?? defaultCalendar();
  const { rules } = input;
  const bill = billDue(input.period, rules, calendar);
  const assumed = input.billSentAt === undefined;
  const sent: Date | LocalDate = input.billSentAt ?? bill.date;
  const fromBill = (deadline: Deadline): Deadline =>
    assumed
      ? { ...deadline, provisional: deadline.provisional || bill.provisional, assumed: true }
      : deadline;

  const reconciliation = fromBill(reconciliationDue(sent, rules, calendar));
  const reminder = reconciliationReminderDate(reconciliation, rules, calendar);
  const deadlines: Deadline[] = [
    bill,
    fromBill(
      startingOn("reminder", "R-RECON-5", "reconciliation reminder", reminder.date, reminder.provisional),
    ),
    reconciliation,
    fromBill(paymentDue(sent, rules, calendar)),
  ];
  if (input.disputeReceivedAt) deadlines.push(reReconciliationDue(input.disputeReceivedAt, rules, calendar));
  if (input.paidAt) deadlines.push(invoiceDue(input.paidAt, rules, calendar));
  const retained = retention(sent, rules);
  deadlines.push(fromBill(retained.retentionEnd), fromBill(retained.objectionWindowEnd));
  return deadlines;
}
