/**
 * MonthlyCycle's compliance check of the month (R-CALL-1, R-SMS-3, R-THROTTLE-1): the same check as
 * `ops compliance`, on the period's stored usage files. The stored SMS log has no content (ADR 0035), so the
 * marketing check reads the findings its upload stored; the port's throttling reads the stored complaints feed
 * (`ops upload-usage --complaints`). It runs in the bill step, which already reads the
 * month's files, and its findings are stored with the bill (ADR 0065).
 */
import { openUsage, smsContentFindings, storedComplaints } from "../../adapters/usage-store";
import { type Contract, contractRule } from "../../core/contract";
import { parseComplaintsCsv } from "../../core/sms-governance/complaints-csv";
import { checkCompliance, isPortOf } from "../../core/sms-governance/compliance";
import { type MonthFindings, monthFindings } from "../../core/sms-governance/month-findings";

export async function monthCompliance(contract: Contract, period: string): Promise<MonthFindings> {
  const { contractId } = contract;
  const [voice, sms, contentFindings, complaintsCsv] = await Promise.all([
    openUsage(contractId, period, "voice"),
    openUsage(contractId, period, "sms"),
    smsContentFindings(contractId, period),
    storedComplaints(contractId),
  ]);
  // Checked when uploaded; complaints about another port are not this contract's (Annex 3 meters the port).
  const complaints = complaintsCsv
    ? parseComplaintsCsv(complaintsCsv).filter((c) => isPortOf(c.port, contract.access.smsAccessCode))
    : [];
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
    complaints,
  });
  return monthFindings(report);
}
