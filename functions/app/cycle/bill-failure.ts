/**
 * MonthlyCycle step "Tell Party B the bill could not be prepared": "Rate usage and prepare the bill" failed
 * after its retries (R-BILL-1 is now at risk). The failure is recorded in the audit trail and Party B's contact
 * is emailed, once per execution attempt (a redrive that fails again tells them again). The state machine then
 * tries the step once more, without a catch: while the cause remains the execution ends FAILED on the step's own
 * error (the MonthlyCycle failure alarm tells admins), and a redrive reruns it once the cause is fixed.
 */
import { sendEmail } from "../../adapters/mailer";
import { appendAuditEvent, getContract } from "../../adapters/repository";
import * as emails from "../email-views";

export interface BillFailureInput {
  contractId: string;
  period: string;
  /** The caught error (`$states.errorOutput`): a Lambda's errorType, or a service error such as Lambda.AWSLambdaException. */
  error: string;
  /** Step Functions' cause: Lambda's error JSON (`errorMessage`, `errorType`, `trace`) or the service's text. */
  cause: string;
  executionName: string;
  redriveCount: number;
}

/** The message of a Lambda error's JSON cause; a service error's cause is already plain text. */
export function failureMessage(cause: string): string {
  try {
    const parsed: unknown = JSON.parse(cause);
    const message = (parsed as { errorMessage?: unknown } | null)?.errorMessage;
    if (typeof message === "string") return message;
  } catch {
    // Not JSON: the cause is the message itself.
  }
  return cause;
}

export async function reportBillFailure(input: BillFailureInput): Promise<{ reported: true }> {
  const message = failureMessage(input.cause);
  const once = `bill-not-prepared#${input.period}#${input.redriveCount}`;
  await appendAuditEvent(
    {
      contractId: input.contractId,
      period: input.period,
      who: "system",
      what: `bill not prepared: ${input.error}`,
      rule: "R-BILL-1",
      details: { error: input.error, message, executionName: input.executionName },
    },
    once,
  );
  const { contract } = await getContract(input.contractId);
  await sendEmail({
    contractId: input.contractId,
    emailKey: once,
    to: [contract.parties.partyB.contact.email],
    ...emails.billNotPrepared(contract, {
      period: input.period,
      error: input.error,
      message,
      executionName: input.executionName,
    }),
  });
  return { reported: true };
}
