/**
 * Mail that was not sent (ADR 0012): an email failure never strands a workflow — the state change is
 * recorded and the task completed first, the email stays pending in the outbox with its reason; `status`
 * lists it and `ops resend` sends it.
 */
import { resendOutboxEmail } from "../adapters/mailer";
import { getOutboxEmail, unsentOutboxEmails } from "../adapters/repository";
import { contractOrReject, OperationRejectedError } from "./operation-input";

/** The kinds of email an operator may resend, keyed `<kind>#<period>` in the outbox. */
export const RESENDABLE = [
  "statement",
  "invoice",
  "overdue-notice",
  "reconciliation-reminder",
  "re-reconciliation",
  "re-reconciliation-unresolved",
  "settlement",
] as const;

export async function unsentEmails(contractId: string) {
  await contractOrReject(contractId);
  return (await unsentOutboxEmails(contractId)).map((item) => ({
    emailKey: item.emailKey,
    claimedAt: item.claimedAt,
    lastError: item.lastError ?? null,
  }));
}

export async function resendEmail(input: { contractId: string; period: string; email: string }) {
  await contractOrReject(input.contractId);
  if (!(RESENDABLE as readonly string[]).includes(input.email))
    throw new OperationRejectedError(`--email ${input.email}: expected one of ${RESENDABLE.join(", ")}`);
  const emailKey = `${input.email}#${input.period}`;
  const item = await getOutboxEmail(input.contractId, emailKey);
  if (!item?.message)
    throw new OperationRejectedError(`--email ${input.email}: no such email for ${input.period}`);
  if (item.state === "sent") throw new OperationRejectedError(`${emailKey} was already sent`);
  try {
    return { emailKey, ...(await resendOutboxEmail(input.contractId, emailKey)) };
  } catch (error) {
    throw new OperationRejectedError(
      `${emailKey} could not be sent, still queued: ${(error as Error).message}`,
    );
  }
}
