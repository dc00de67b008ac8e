/**
 * From the domain records (contract, cycle, breach, renewal schedule) to the flat view models of the email
 * renderers in `core/emails`. Every figure shown comes from a record or is recomputed by the same core rule
 * the workflow used; where a record lacks something an email needs, the caller may pass it in `InboundFacts`,
 * and otherwise the email says less rather than something made up.
 */
import {
  breachRecorded,
  budgetWarning,
  calendarProvisional,
  deadlinesMoved,
  invoiceIssued,
  overdueNotice,
  reconciliationReminder,
  reReconciliationOpened,
  reReconciliationUnresolved,
} from "./cycle";
import { needsPerson, replyAcknowledgement, untrustedReply } from "./replies";
import { billNotPrepared, statement, usageHeld, usageMissing } from "./statement";
import { endOfContract, renewalConfirmation, renewalReminder, settlement } from "./term";

export { type AcknowledgementVariant, type InboundFacts, NEEDS_PERSON_REASONS } from "./replies";
export { EmailViewError } from "./shared";

/** Every outbound email of the application layer, keyed by what it is about. */
export const emails = {
  statement,
  usageHeld,
  usageMissing,
  billNotPrepared,
  reconciliationReminder,
  reReconciliationUnresolved,
  overdueNotice,
  breachRecorded,
  reReconciliationOpened,
  budgetWarning,
  calendarProvisional,
  deadlinesMoved,
  replyAcknowledgement,
  needsPerson,
  untrustedReply,
  invoiceIssued,
  renewalReminder,
  renewalConfirmation,
  endOfContract,
  settlement,
};
