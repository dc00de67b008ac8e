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

/**
 * Every outbound email of the application layer, by what it is about. Callers import the module as a namespace
 * (`import * as emails from "./email-views"`): a Lambda bundle then keeps only the emails its handler sends, which
 * an object holding all of them would not allow (about 70 KB per bundle, ADR 0046).
 */
export {
  billNotPrepared,
  breachRecorded,
  budgetWarning,
  calendarProvisional,
  deadlinesMoved,
  endOfContract,
  invoiceIssued,
  needsPerson,
  overdueNotice,
  reconciliationReminder,
  renewalConfirmation,
  renewalReminder,
  replyAcknowledgement,
  reReconciliationOpened,
  reReconciliationUnresolved,
  settlement,
  statement,
  untrustedReply,
  usageHeld,
  usageMissing,
};
