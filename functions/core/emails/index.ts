/**
 * The outbound emails of the contract-operations system: pure renderers from view models to
 * `{ subject, text, html }`, in Chinese. Sending (SES, Reply-To carrying the reply key) is the mailer's job.
 */

export { type BillNotPreparedEmailInput, renderBillNotPreparedEmail } from "./bill-not-prepared";
export { type BreachRecordedEmailInput, renderBreachRecordedEmail } from "./breach-recorded";
export { type BudgetWarningEmailInput, renderBudgetWarningEmail } from "./budget-warning";
export { type CalendarProvisionalEmailInput, renderCalendarProvisionalEmail } from "./calendar-provisional";
export {
  type DeadlinesMovedEmailInput,
  type MovedDeadlineView,
  renderDeadlinesMovedEmail,
} from "./deadlines-moved";
export {
  type EndOfContractEmailInput,
  type FinalTrueUpView,
  renderEndOfContractEmail,
} from "./end-of-contract";
export { EmailInputError, PROVISIONAL_MARK } from "./format";
export { type InvoiceIssuedEmailInput, renderInvoiceIssuedEmail } from "./invoice-issued";
export {
  type NeedsPersonEmailInput,
  type NeedsPersonReasonCode,
  renderNeedsPersonEmail,
} from "./needs-person";
export { type OverdueNoticeEmailInput, renderOverdueNoticeEmail } from "./overdue-notice";
export {
  type ReReconciliationOpenedEmailInput,
  renderReReconciliationOpenedEmail,
} from "./re-reconciliation-opened";
export {
  type ReReconciliationUnresolvedEmailInput,
  renderReReconciliationUnresolvedEmail,
} from "./re-reconciliation-unresolved";
export {
  type ReconciliationReminderEmailInput,
  renderReconciliationReminderEmail,
} from "./reconciliation-reminder";
export { type RenewalConfirmationEmailInput, renderRenewalConfirmationEmail } from "./renewal-confirmation";
export {
  type DeliveryMethod,
  type DeliveryRegion,
  type DispatchDeadlineView,
  type RenewalReminderEmailInput,
  renderRenewalReminderEmail,
} from "./renewal-reminder";
export {
  type DifferenceView,
  type ReplyAcknowledgementEmailInput,
  type ReplyOutcomeView,
  type ReplyReadingView,
  renderReplyAcknowledgementEmail,
} from "./reply-acknowledgement";
export { renderSettlementEmail, type SettlementEmailInput } from "./settlement";
export {
  renderStatementEmail,
  type StatementEmailInput,
  type StatementLineView,
  type UsageSummaryItem,
} from "./statement";
export type {
  BankAccountView,
  ContractView,
  DeadlineView,
  NoticeAddressView,
  PartyRole,
  RenderedEmail,
} from "./types";
export {
  renderUntrustedReplyEmail,
  type UntrustedReasonView,
  type UntrustedReplyEmailInput,
  type VerdictName,
} from "./untrusted-reply";
export {
  renderUsageHeldEmail,
  renderUsageMissingEmail,
  type UsageHeldEmailInput,
  type UsageMissingEmailInput,
} from "./usage-missing";
