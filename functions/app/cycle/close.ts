/** MonthlyCycle's "Close the cycle" step (R-RECON-4, R-END-1, R-BUDGET-1). */

import { now } from "../../adapters/clock";
import { sendEmail } from "../../adapters/mailer";
import {
  appendAuditEvent,
  billedTotal,
  getContract,
  getCycle,
  markBudgetWarned,
  setCycleFieldsOnce,
} from "../../adapters/repository";
import { budgetThresholdsReached } from "../../core/budget";
import type { Contract } from "../../core/contract";
import { formatFen, formatMoney, moneyFromFen, parseMoney } from "../../core/money";
import { formatInstant as instant } from "../../core/time";
import * as emails from "../email-views";
import { settleContract } from "../settlement";

// --- Close the cycle (R-RECON-4, R-END-1, R-BUDGET-1) -----------------------------------------------

export async function closeCycle(input: { contractId: string; period: string }) {
  const { contractId, period } = input;
  const record = await getContract(contractId);
  const contract = record.contract;
  const cycle = await getCycle(contractId, period);
  // The agreed difference is in the ledger since it was recorded (ADR 0010): the next bill not yet
  // prepared carries it, or, after the last period, the settlement document does (R-END-1).
  const adjustmentFen = cycle.agreed && "agreedAmountFen" in cycle.agreed ? cycle.agreed.adjustmentFen : 0n;
  const adjustmentNextPeriodFen = cycle.lastPeriod ? 0n : adjustmentFen;
  const adjustmentText = formatFen(adjustmentNextPeriodFen);
  await setCycleFieldsOnce(contractId, period, "closedAt", {
    closedAt: instant(now()),
    adjustmentNextPeriodFen,
  });
  await appendAuditEvent(
    {
      contractId,
      period,
      who: "system",
      what: "cycle closed",
      rule: "R-RECON-4",
      details: { adjustmentNextPeriod: adjustmentText },
    },
    `cycle-closed#${period}`,
  );
  if (cycle.lastPeriod) await settleContract(contract, period);
  // Budget warnings are keyed by threshold in the outbox: checking again after a crash sends each once.
  await checkBudget(contract);
  return { closed: true, adjustmentNextPeriod: adjustmentText };
}

/**
 * R-BUDGET-1: warn both contacts once at each threshold of the contract total; never block billing. The
 * total counts every bill prepared (ADR 0054), also those whose cycles TTL has deleted. A threshold is
 * noted as warned after its email: the outbox key keeps a crash in between from sending twice, and the
 * note keeps it from being sent again once that outbox item has expired.
 */
async function checkBudget(contract: Contract): Promise<void> {
  const total = await billedTotal(contract.contractId);
  const billed = moneyFromFen(total.billedFen);
  const budget = parseMoney(contract.budget);
  const percents = contract.rules.budgetWarningPercents.value;
  for (const percent of budgetThresholdsReached(billed.fen, budget.fen, percents)) {
    if (total.warnedPercents.includes(percent)) continue;
    await sendEmail({
      contractId: contract.contractId,
      emailKey: `budget#${percent}`,
      to: [contract.parties.partyA.contact.email, contract.parties.partyB.contact.email],
      ...emails.budgetWarning(contract, formatMoney(billed), percent),
    });
    await markBudgetWarned(contract.contractId, percent);
  }
}
