/** MonthlyCycle's "Open the re-reconciliation" step (R-RECON-3). */

import { sendEmail } from "../../adapters/mailer";
import { appendAuditEvent, getContract, getCycle, setCycleFieldsOnce } from "../../adapters/repository";
import { reReconciliationDue } from "../../core/deadlines";
import { formatFen } from "../../core/money";
import * as emails from "../email-views";
import { deadlineRules } from "../rules";

// --- Re-reconciliation (R-RECON-3, R-RECON-4) --------------------------------------------------------

export async function openReReconciliation(input: {
  contractId: string;
  period: string;
  partyAAmount: string;
  receivedAt: string;
}) {
  const { contract } = await getContract(input.contractId);
  const deadline = reReconciliationDue(new Date(input.receivedAt), deadlineRules(contract));
  await setCycleFieldsOnce(input.contractId, input.period, "reReconciliationDeadline", {
    reReconciliationDeadline: deadline.at,
  });
  const cycle = await getCycle(input.contractId, input.period);
  await sendEmail({
    contractId: input.contractId,
    emailKey: `re-reconciliation#${input.period}`,
    to: [contract.parties.partyA.contact.email, contract.parties.partyB.contact.email],
    ...emails.reReconciliationOpened(contract, cycle, input.partyAAmount),
  });
  await appendAuditEvent(
    {
      contractId: input.contractId,
      period: input.period,
      who: "system",
      what: `re-reconciliation opened: Party A's figure ${input.partyAAmount} vs bill ${formatFen(cycle.billTotalFen)}`,
      rule: "R-RECON-3",
      details: { deadline: cycle.reReconciliationDeadline },
    },
    `re-reconciliation-opened#${input.period}`,
  );
  return { reReconciliationDeadline: cycle.reReconciliationDeadline as string };
}
