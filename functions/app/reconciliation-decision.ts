/**
 * A reconciliation outcome recorded for a bill (R-RECON-2, R-RECON-3): the one path for a reply the
 * system understood and for what a person decides about a reply handed to them (`ops
 * record-reconciliation`). The first decision for a bill wins; the waiting task is completed with it.
 */

import { now } from "../adapters/clock";
import {
  appendAuditEvent,
  type CycleRecord,
  closeReplyKey,
  getReplyKey,
  type ReconciliationOutcome,
  setCycleFieldsOnceAndGet,
} from "../adapters/repository";
import { completeTask } from "../adapters/workflow";
import type { Contract } from "../core/contract";
import { formatFen, formatMoney, parseYuanToFen } from "../core/money";
import { classifyReconciliation } from "../core/reconciliation";
import { formatInstant } from "../core/time";
import {
  billedCycle,
  contractOrReject,
  instantOf,
  nonNegativeMoney,
  notInFuture,
  OperationRejectedError,
} from "./operation-input";

/** What a reply (or a person) decides; "no-reply" is only ever the deadline's (R-RECON-5). */
export type DecidedOutcome = Exclude<ReconciliationOutcome, "no-reply">;

export interface ReconciliationDecision {
  decision: "confirmed" | "disputed";
  /** Party A's figure for a dispute; the bill total for a confirmation. */
  partyAAmount: string;
  receivedAt: Date;
  who: "party-a" | "operator";
  /** The emailed reply that decided (its SES message id): a retry of the same message finishes it. */
  sesMessageId?: string;
  details: Record<string, unknown>;
}

/**
 * Records the outcome once; null when another decision for the bill was recorded first. The same
 * decision recorded by a run that crashed before finishing (a retried or redelivered reply) is
 * finished now: the reply key closed, the audit event written once, the waiting task completed.
 */
export async function recordReconciliationOutcome(
  contract: Contract,
  cycle: CycleRecord,
  input: ReconciliationDecision,
): Promise<{ outcome: DecidedOutcome; difference: string; differencePercent: string | null } | null> {
  const billTotal = formatFen(cycle.billTotalFen);
  const classified = classifyReconciliation(
    billTotal,
    input.partyAAmount,
    contract.rules.reconciliationTolerancePercent.value,
  );
  const outcome: DecidedOutcome =
    input.decision === "confirmed"
      ? "confirmed"
      : classified.outcome === "stands"
        ? "within-tolerance"
        : "re-reconcile";
  const reconciliation = {
    outcome,
    partyAAmount: input.partyAAmount,
    receivedAt: formatInstant(input.receivedAt),
    difference: classified.difference,
    ...(input.sesMessageId ? { sesMessageId: input.sesMessageId } : {}),
  };
  const partyAAmountFen = parseYuanToFen(input.partyAAmount, "any");
  const { cycle: stored } = await setCycleFieldsOnceAndGet(cycle.contractId, cycle.period, "reconciliation", {
    reconciliation: {
      outcome,
      partyAAmountFen,
      receivedAt: reconciliation.receivedAt,
      differenceFen: parseYuanToFen(classified.difference, "any"),
      ...(input.sesMessageId ? { sesMessageId: input.sesMessageId } : {}),
    },
  });
  const recorded = stored.reconciliation;
  if (
    recorded?.outcome !== reconciliation.outcome ||
    recorded.partyAAmountFen !== partyAAmountFen ||
    recorded.receivedAt !== reconciliation.receivedAt ||
    recorded.sesMessageId !== input.sesMessageId
  )
    return null;
  const key = cycle.replyKey ? await getReplyKey(cycle.replyKey) : undefined;
  if (cycle.replyKey) await closeReplyKey(cycle.replyKey);
  await appendAuditEvent(
    {
      contractId: cycle.contractId,
      period: cycle.period,
      who: input.who,
      what: `reconciliation reply: ${outcome} (Party A's figure ${input.partyAAmount}, bill ${billTotal})`,
      rule: outcome === "re-reconcile" ? "R-RECON-3" : "R-RECON-2",
      details: { ...input.details, differencePercent: classified.differencePercent },
    },
    `reconciliation-decided#${cycle.period}`,
  );
  if (key?.taskToken) await completeTask(key.taskToken, reconciliation);
  return { outcome, difference: classified.difference, differencePercent: classified.differencePercent };
}

/** `ops record-reconciliation`: what a person decided about a reply the system handed to a person. */
export async function recordReconciliationByPerson(input: {
  contractId: string;
  period: string;
  decision: string;
  amount?: string;
  source: string;
  date?: string;
}) {
  const { contract } = await contractOrReject(input.contractId);
  if (input.decision !== "confirmed" && input.decision !== "disputed")
    throw new OperationRejectedError(`--decision ${input.decision}: expected confirmed or disputed`);
  const cycle = await billedCycle(input.contractId, input.period);
  if (input.decision === "disputed" && input.amount === undefined)
    throw new OperationRejectedError("--amount is required with --decision disputed: Party A's figure");
  if (input.decision === "confirmed" && input.amount !== undefined)
    throw new OperationRejectedError(
      `--amount ${input.amount}: a confirmation accepts the bill total, give no amount`,
    );
  const partyAAmount =
    input.amount === undefined
      ? formatFen(cycle.billTotalFen)
      : formatMoney(nonNegativeMoney(input.amount, "--amount"));
  const source = input.source.trim();
  if (source.length < 3)
    throw new OperationRejectedError(
      `--source ${JSON.stringify(input.source)}: say where the decision comes from`,
    );
  const receivedAt = input.date ? instantOf(input.date, "--date") : now();
  notInFuture(receivedAt, "--date");
  if (cycle.reconciliationDeadline && receivedAt.getTime() > Date.parse(cycle.reconciliationDeadline))
    throw new OperationRejectedError(
      `--date ${input.date ?? formatInstant(receivedAt)} is after the reconciliation deadline ${cycle.reconciliationDeadline} (R-RECON-1)`,
    );
  const result = await recordReconciliationOutcome(contract, cycle, {
    decision: input.decision,
    partyAAmount,
    receivedAt,
    who: "operator",
    details: { source },
  });
  if (!result)
    throw new OperationRejectedError(
      `the reconciliation of ${input.period} was already recorded: ${cycle.reconciliation?.outcome ?? "decided"}`,
    );
  return { period: input.period, billTotal: formatFen(cycle.billTotalFen), partyAAmount, ...result, source };
}
