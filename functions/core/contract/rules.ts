/**
 * The rule tunables of a contract file: every number or date a rule in contract-rules.md leaves to the
 * contract, as `{ value, rule }` with the rule ID checked.
 */
import * as z from "zod";
import { localDate, percentText, positiveInt, tunable } from "./fields";

/** R-NOTICE-2: "day N after dispatch" by delivery method and destination. */
const deemedDeliveryDays = z.strictObject({
  expressSameCity: positiveInt,
  expressMainland: positiveInt,
  expressHongKongMacaoTaiwan: positiveInt,
  expressAbroad: positiveInt,
  registeredMailSameCity: positiveInt,
  registeredMailMainland: positiveInt,
  registeredMailHongKongMacaoTaiwan: positiveInt,
  registeredMailAbroad: positiveInt,
});

export const rules = z.strictObject({
  billingStartsOn: tunable(localDate, "R-TRIAL-1"),
  /** R-PRICE-1: "none" charges a month in full once billing has started; "daily" prorates by days. */
  monthlyFeeProration: tunable(z.enum(["none", "daily"]), "R-PRICE-1"),
  voiceRoundingSeconds: tunable(positiveInt.max(3600), "R-PRICE-2"),
  smsPartLength: tunable(positiveInt.max(1000), "R-SMS-1"),
  billDueWorkingDays: tunable(positiveInt, "R-BILL-1"),
  /** The last working day after the period a bill waits for a missing usage file (ADR 0044; default 8). */
  usageHoldLastWorkingDay: tunable(positiveInt.max(30), "R-BILL-1").optional(),
  reconciliationWorkingDays: tunable(positiveInt, "R-RECON-1"),
  reconciliationTolerancePercent: tunable(percentText, "R-RECON-2"),
  reReconciliationWorkingDays: tunable(positiveInt, "R-RECON-3"),
  reconciliationReminderWorkingDaysBefore: tunable(positiveInt, "R-RECON-5"),
  paymentWorkingDays: tunable(positiveInt, "R-PAY-1"),
  invoiceWorkingDays: tunable(positiveInt, "R-INV-1"),
  bankChangeNoticeDays: tunable(positiveInt, "R-BANK-1"),
  serviceChangeCutoffDay: tunable(positiveInt.max(28), "R-CHANGE-1"),
  billingDataRetentionMonths: tunable(positiveInt, "R-RETAIN-1"),
  termYears: tunable(positiveInt, "R-TERM-1"),
  nonRenewalNoticeDays: tunable(positiveInt, "R-TERM-3"),
  deemedDeliveryDays: tunable(deemedDeliveryDays, "R-NOTICE-2"),
  renewalReminderLeadDays: tunable(positiveInt, "R-NOTICE-3"),
  addressChangeNoticeDays: tunable(positiveInt, "R-NOTICE-4"),
  breachCureDays: tunable(positiveInt, "R-BREACH-1"),
  forceMajeureDays: tunable(positiveInt, "R-FM-1"),
  forceMajeureNegotiationDays: tunable(positiveInt, "R-FM-1"),
  callsPerCallingNumberPerDay: tunable(positiveInt, "R-CALL-1"),
  callsPerCalleePerDay: tunable(positiveInt, "R-CALL-1"),
  voiceLineOpeningWorkingDays: tunable(positiveInt, "R-SLA-1"),
  budgetWarningPercents: tunable(z.array(percentText).min(1), "R-BUDGET-1"),
});
