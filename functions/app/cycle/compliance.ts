/**
 * MonthlyCycle's compliance check of the month (R-CALL-1, R-SMS-3, R-THROTTLE-1): the same check as
 * `ops compliance`, on the period's stored usage files. The stored SMS log has no content (ADR 0035), so the
 * marketing check reads the findings its upload stored. It runs in the bill step, which already reads the
 * month's files, and its findings are stored with the bill (ADR 0065).
 */
import { openUsage, smsContentFindings } from "../../adapters/usage-store";
import { type Contract, contractRule } from "../../core/contract";
import { checkCompliance } from "../../core/sms-governance/compliance";
import { type MonthFindings, monthFindings } from "../../core/sms-governance/month-findings";

export async function monthCompliance(contract: Contract, period: string): Promise<MonthFindings> {
  const { contractId } = contract;
  const [voice, sms, contentFindings] = await Promise.all([
    openUsage(contractId, period, "voice"),
    openUsage(contractId, period, "sms"),
    smsContentFindings(contractId, period),
  ]);
  const report = await checkCompliance({
    period,
    smsPort: contract.access.smsAccessCode,
    management: contract.access.portManagement,
    callLimits: {
      callsPerCallingNumberPerDay: contractRule(contract, "callsPerCallingNumberPerDay"),
      callsPerCalleePerDay: contractRule(contract, "callsPerCalleePerDay"),
    },
    ...(voice ? { voice } : {}),
    ...(sms ? { sms } : {}),
    ...(contentFindings ? { contentFindings } : {}),
  });
  return monthFindings(report);
}
