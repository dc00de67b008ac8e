/**
 * The monthly cycle's steps (architecture §4): each function is what one Lambda of the MonthlyCycle
 * state machine does, one concern per module under cycle/. Every step is safe to run twice: a
 * conditional write decides whether it happens, and emails go through the outbox.
 */

export { prepareBill } from "./cycle/bill";
export { closeCycle } from "./cycle/close";
export { type Missed, recordMissedDeadline } from "./cycle/missed-deadlines";
export { openReReconciliation } from "./cycle/re-reconciliation";
export { sendBill } from "./cycle/send-bill";
export { type Awaiting, awaitCycleCallback, sendReconciliationReminder } from "./cycle/waits";
