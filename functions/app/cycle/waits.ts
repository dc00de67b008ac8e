/**
 * MonthlyCycle's waits (architecture §4): the task token of a waiting step stored where the awaited fact
 * will find it, and the reconciliation reminder sent while Party A's reply is awaited.
 */

import { replyAddress, sendEmail } from "../../adapters/mailer";
import {
  agreedAsYuan,
  appendAuditEvent,
  type CycleRecord,
  getContract,
  getCycle,
  getReplyKey,
  paymentAsYuan,
  putReplyKey,
  reconciliationAsYuan,
  setCycleToken,
} from "../../adapters/repository";
import { completeTask } from "../../adapters/workflow";
import * as emails from "../email-views";

// --- Token waits: register the task token where the answer will find it -----------------------------

export type Awaiting = "reconciliation-reply" | "agreed-amount" | "payment" | "invoice";

/**
 * Stores the token of a waiting task. If the awaited fact was recorded before the wait began (a payment
 * recorded while the reconciliation was still open, a reply that raced a timeout), the task is completed
 * at once with it: the write-then-read order on both sides guarantees one of them sees the other.
 */
export async function awaitCycleCallback(input: {
  contractId: string;
  period: string;
  awaiting: Awaiting;
  taskToken: string;
}): Promise<{ registered: true }> {
  const { contractId, period, awaiting, taskToken } = input;
  if (awaiting === "reconciliation-reply") {
    const cycle = await getCycle(contractId, period);
    const replyKey = cycle.replyKey as string;
    const existing = await getReplyKey(replyKey);
    await putReplyKey(
      {
        replyKey,
        contractId,
        period,
        taskToken,
        open: existing?.open ?? true,
        deadline: cycle.reconciliationDeadline as string,
      },
      new Date(Date.parse(cycle.reconciliationDeadline as string) + 400 * 86_400_000),
    );
    const decided = (await getCycle(contractId, period)).reconciliation;
    if (decided) await completeTask(taskToken, reconciliationAsYuan(decided));
    return { registered: true };
  }
  const cycle = await setCycleToken(contractId, period, awaiting, taskToken);
  const already = awaitedFact(cycle, awaiting);
  if (already) await completeTask(taskToken, already);
  return { registered: true };
}

/** What ends the invoice wait when the payment it followed was reversed (R-PAY-1): back to the payment wait. */
export const PAYMENT_REVERSED = { paymentReversed: true } as const;

function awaitedFact(cycle: CycleRecord, awaiting: Exclude<Awaiting, "reconciliation-reply">): unknown {
  if (awaiting === "payment") return cycle.payment && paymentAsYuan(cycle.payment);
  // The invoice wait begins only after a payment; none now means it was reversed meanwhile.
  if (awaiting === "invoice") return cycle.invoice ?? (cycle.payment ? undefined : PAYMENT_REVERSED);
  return cycle.agreed && "agreedAmountFen" in cycle.agreed ? agreedAsYuan(cycle.agreed) : undefined;
}

// --- Remind Party A that the reconciliation is due (R-RECON-5) ---------------------------------------

export async function sendReconciliationReminder(input: { contractId: string; period: string }) {
  const cycle = await getCycle(input.contractId, input.period);
  if (cycle.reconciliation) return { sent: false };
  const { contract } = await getContract(input.contractId);
  const rendered = emails.reconciliationReminder(contract, cycle);
  const { sent } = await sendEmail({
    contractId: input.contractId,
    emailKey: `reconciliation-reminder#${input.period}`,
    to: [contract.parties.partyA.contact.email],
    replyTo: replyAddress(cycle.replyKey as string),
    ...rendered,
  });
  await appendAuditEvent(
    {
      contractId: input.contractId,
      period: input.period,
      who: "system",
      what: "reconciliation reminder sent",
      rule: "R-RECON-5",
    },
    `reconciliation-reminder#${input.period}`,
  );
  return { sent };
}
