/**
 * The notes of the bill email (R-BILL-1): the period's service levels from its tickets (R-SLA-1, R-SLA-2;
 * 3.18) and the month's compliance findings the bill step stored (R-CALL-1, R-SMS-3, R-THROTTLE-1), numbers
 * masked. Each is undefined when there is nothing to say: no ticket in the period, nothing found.
 */
import type { CycleRecord } from "../../adapters/repository";
import { listTickets, type TicketRecord } from "../../adapters/repository/tickets";
import type { Contract } from "../../core/contract";
import type { ComplianceNoteView, ServiceLevelNoteView } from "../../core/emails/statement-notes";
import { maskPhone } from "../../core/mask";
import {
  serviceLevelTerms,
  smsGatewayRepairSummary,
  TICKET_KINDS,
  TICKET_RULES,
  type TicketKind,
  ticketStanding,
} from "../../core/service-levels";
import { hasFindings, monthFindingsSchema } from "../../core/sms-governance/month-findings";
import { type Period, periodOf, shanghaiDateOf } from "../../core/time";

const KIND_WORDS: Record<TicketKind, string> = {
  "line-opening": "语音专线开通",
  fault: "故障",
  "sms-gateway-fault": "短信网关故障",
  complaint: "客户投诉",
  "end-user-complaint": "终端用户投诉",
};

/**
 * R-SLA-2 (3.18): tickets opened or closed in the period, the gateway's average repair time, the late ones.
 * `allTickets`, the contract's tickets when already read (the run report's notes of every month), or read here.
 */
export async function serviceLevelNote(
  contract: Contract,
  period: Period,
  asOf: Date,
  allTickets?: readonly TicketRecord[],
): Promise<ServiceLevelNoteView | undefined> {
  const inPeriod = (instant: string | undefined) =>
    instant !== undefined && periodOf(shanghaiDateOf(new Date(instant))) === period;
  const tickets = (allTickets ?? (await listTickets(contract.contractId))).filter(
    (t) => inPeriod(t.openedAt) || inPeriod(t.closedAt),
  );
  if (tickets.length === 0) return undefined;
  const terms = serviceLevelTerms(contract.rules.voiceLineOpeningWorkingDays.value);
  const late = new Map<TicketKind, number>();
  for (const t of tickets) {
    const standing = ticketStanding(t, t.closedAt ? new Date(t.closedAt) : undefined, asOf);
    if (standing === "late" || standing === "overdue") late.set(t.kind, (late.get(t.kind) ?? 0) + 1);
  }
  return {
    opened: tickets.filter((t) => inPeriod(t.openedAt)).length,
    closed: tickets.filter((t) => inPeriod(t.closedAt)).length,
    smsGateway: smsGatewayRepairSummary(
      tickets
        .filter((t) => t.kind === "sms-gateway-fault" && t.closedAt !== undefined && inPeriod(t.closedAt))
        .map((t) => ({
          openedAt: new Date(t.openedAt),
          closedAt: new Date(t.closedAt ?? t.openedAt),
          travelMinutes: t.travelMinutes ?? 0,
        })),
      terms,
    ),
    late: TICKET_KINDS.filter((kind) => late.has(kind)).map((kind) => ({
      kind: KIND_WORDS[kind],
      party: TICKET_RULES[kind].party,
      clause: TICKET_RULES[kind].clause,
      count: late.get(kind) ?? 0,
    })),
  };
}

/** R-CALL-1, R-SMS-3, R-THROTTLE-1: the stored findings of the month, masked, or undefined when clean. */
export function complianceNote(contract: Contract, cycle: CycleRecord): ComplianceNoteView | undefined {
  if (cycle.compliance === undefined) return undefined;
  const findings = monthFindingsSchema.parse(cycle.compliance);
  if (!hasFindings(findings)) return undefined;
  return {
    callViolationCount: findings.callViolationCount,
    callViolations: findings.callViolations.map((v) => ({ ...v, number: maskPhone(v.number) })),
    callLimits: {
      perCallingNumber: contract.rules.callsPerCallingNumberPerDay.value,
      perCallee: contract.rules.callsPerCalleePerDay.value,
    },
    marketingViolationCount: findings.marketingViolationCount,
    reducedDays: findings.reducedDays,
  };
}
