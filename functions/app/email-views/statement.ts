/** The monthly statement (R-BILL-1) and the usage-missing notice: rated lines, usage summary, deadlines, account. */
import type { CycleRecord } from "../../adapters/repository";
import { usageObjectKey } from "../../adapters/usage-key";
import { cite } from "../../core/clause-words";
import { type Contract, contractService } from "../../core/contract";
import { KNOWN_SERVICES, type ServiceName } from "../../core/contract/services";
import {
  type RenderedEmail,
  renderBillNotPreparedEmail,
  renderStatementEmail,
  renderUsageHeldEmail,
  renderUsageMissingEmail,
  type StatementLineView,
  type UsageSummaryItem,
} from "../../core/emails";
import type { ComplianceNoteView, ServiceLevelNoteView } from "../../core/emails/statement-notes";
import { type Statement, type StatementLine, statementSchema, type UsageFile } from "../../core/statement";
import {
  amount,
  contractView,
  EmailViewError,
  paymentDeadlineView,
  reconciliationDeadlineView,
  sentAtOf,
  statementAccount,
} from "./shared";

function parsedStatement(cycle: CycleRecord): Statement {
  const result = statementSchema.safeParse(cycle.statement);
  if (!result.success) {
    throw new EmailViewError(`${cycle.contractId} ${cycle.period}: the stored statement is malformed`, {
      cause: result.error,
    });
  }
  return result.data;
}

function isPricedService(service: string): service is ServiceName {
  return (KNOWN_SERVICES as readonly string[]).includes(service);
}

/** rating.ts writes an adjustment's period into its description: "<description>（2025-09 账期）". */
const ADJUSTMENT_SOURCE = /^(.*)（(\d{4}-\d{2}) 账期）$/u;

function lineView(contract: Contract, line: StatementLine): StatementLineView {
  if (line.service === "adjustment") {
    const match = ADJUSTMENT_SOURCE.exec(line.description);
    if (!match?.[2]) {
      throw new EmailViewError(`adjustment line "${line.description}" names no source period (R-RECON-4)`);
    }
    return {
      kind: "adjustment",
      description: (match[1] ?? "").trim() || "对账差异调整",
      quantity: null,
      unit: null,
      unitPrice: null,
      amount: amount(line.amount),
      sourcePeriod: match[2],
    };
  }
  // R-TRIAL-1: the renderer adds its own trial wording, so the service's plain name is used, not rating's.
  const trialName =
    line.trial && isPricedService(line.service)
      ? contractService(contract, line.service)?.description
      : undefined;
  return {
    kind: line.trial ? "trial" : "charge",
    description: trialName ?? line.description,
    quantity: line.quantity,
    unit: line.unitLabel,
    unitPrice: line.unitPrice,
    amount: amount(line.amount),
  };
}

/** "75236" → "75,236"; the digits are grouped as text (quantities may carry decimals). */
function grouped(value: number | string): string {
  const [whole = "", fraction] = String(value).split(".");
  const digits = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction === undefined ? digits : `${digits}.${fraction}`;
}

function usageSummary(contract: Contract, usage: Statement["usage"]): UsageSummaryItem[] {
  const items: UsageSummaryItem[] = [];
  if (usage.voiceRecords > 0) {
    items.push({
      label: "主叫通话",
      value: `${grouped(usage.voiceOutboundCalls)} 次，计费时长 ${grouped(usage.voiceMinutesBilled)} 分钟${cite("R-PRICE-2")}`,
    });
    if (usage.voiceTrialMinutes !== "0") {
      items.push({
        label: "试用期主叫通话",
        value: `${grouped(usage.voiceTrialMinutes)} 分钟，不计费${cite("R-TRIAL-1")}`,
      });
    }
    if (usage.voiceInboundCalls > 0) {
      items.push({ label: "被叫通话", value: `${grouped(usage.voiceInboundCalls)} 次，免费` });
    }
  }
  if (usage.smsRecords > 0) {
    items.push({
      label: "下行短信",
      value: `${grouped(usage.smsDownlinkMessages)} 条，按每条 ${contract.rules.smsPartLength.value} 字拆分后计费 ${grouped(usage.smsParts)} 条${cite("R-SMS-1")}`,
    });
    if (usage.smsTrialParts > 0) {
      items.push({
        label: "试用期短信",
        value: `${grouped(usage.smsTrialParts)} 条，不计费${cite("R-TRIAL-1")}`,
      });
    }
    if (usage.smsUplinkIgnored > 0) {
      items.push({
        label: "上行短信",
        value: `${grouped(usage.smsUplinkIgnored)} 条，不计费${cite("R-UPLINK-1")}`,
      });
    }
  }
  return items;
}

export function statement(
  contract: Contract,
  cycle: CycleRecord,
  notes: { serviceLevels?: ServiceLevelNoteView; compliance?: ComplianceNoteView } = {},
): RenderedEmail {
  const rated = parsedStatement(cycle);
  return renderStatementEmail({
    contract: contractView(contract),
    period: cycle.period,
    sentAt: sentAtOf(cycle),
    lines: rated.lines.map((line) => lineView(contract, line)),
    totalAmount: amount(rated.total),
    usage: usageSummary(contract, rated.usage),
    rejectedRecordCount: rated.rejectedCount,
    ...(rated.missingUsage ? { missingUsage: rated.missingUsage } : {}),
    ...(rated.outsideContract ? { outsideContract: rated.outsideContract } : {}),
    reconciliationDeadline: reconciliationDeadlineView(contract, cycle),
    paymentDeadline: paymentDeadlineView(contract, cycle),
    tolerancePercent: contract.rules.reconciliationTolerancePercent.value,
    reReconciliationWorkingDays: contract.rules.reReconciliationWorkingDays.value,
    paymentAccount: statementAccount(contract, cycle),
    bankChangeNoticeDays: contract.rules.bankChangeNoticeDays.value,
    isFinalPeriod: cycle.lastPeriod,
    ...(notes.serviceLevels ? { serviceLevels: notes.serviceLevels } : {}),
    ...(notes.compliance ? { compliance: notes.compliance } : {}),
  });
}

/** To Party B's contact: the bill went out without usage files its services call for (never a silent bill). */
export function usageMissing(contract: Contract, cycle: CycleRecord, bucket: string): RenderedEmail {
  const rated = parsedStatement(cycle);
  return renderUsageMissingEmail({
    contract: contractView(contract),
    period: cycle.period,
    totalAmount: amount(rated.total),
    missing: (rated.missingUsage ?? []).map((file) => ({
      file,
      objectKey: usageObjectKey(contract.contractId, cycle.period, file),
    })),
    bucket,
  });
}

/** To Party B, on the first day an expected usage file is missing: the bill waits for it (ADR 0044). */
export function usageHeld(
  contract: Contract,
  held: { period: string; missing: readonly UsageFile[]; lastBillingDay: string; checkTime: string },
  bucket: string,
): RenderedEmail {
  return renderUsageHeldEmail({
    contract: contractView(contract),
    period: held.period,
    missing: held.missing.map((file) => ({
      file,
      objectKey: usageObjectKey(contract.contractId, held.period, file),
    })),
    bucket,
    lastBillingDay: held.lastBillingDay,
    checkTime: held.checkTime,
  });
}

/** To Party B's contact: the period's bill could not be prepared (the MonthlyCycle ends FAILED, to be redriven). */
export function billNotPrepared(
  contract: Contract,
  failure: { period: string; error: string; message: string; executionName: string },
): RenderedEmail {
  return renderBillNotPreparedEmail({
    contract: contractView(contract),
    ...failure,
    billClause: cite("R-BILL-1"),
  });
}
