/**
 * MonthlyCycle's compliance check of the month (R-CALL-1, R-SMS-3, R-THROTTLE-1): the same check as
 * `ops compliance`, on the period's stored usage files. The stored SMS log has no content (ADR 0035), so the
 * marketing check reads the findings its upload stored; the port's throttling reads the stored complaints feed
 * (`ops upload-usage --complaints`). It runs in the bill step, in the same pass over the month's files as the
 * rating (ADR 0087), and its findings are stored with the bill (ADR 0065).
 */
import { smsContentFindings, storedComplaints } from "../../adapters/usage-store";
import { type Contract, contractRule } from "../../core/contract";
import { parseComplaintsCsv } from "../../core/sms-governance/complaints-csv";
import { ComplianceCheck, isPortOf } from "../../core/sms-governance/compliance";

/** The month's check, ready to visit the usage files' records (`check.voice`, `check.sms`). */
export async function monthComplianceCheck(contract: Contract, period: string): Promise<ComplianceCheck> {
  const { contractId } = contract;
  const [contentFindings, complaintsCsv] = await Promise.all([
    smsContentFindings(contractId, period),
    storedComplaints(contractId),
  ]);
  // Checked when uploaded; complaints about another port are not this contract's (Annex 3 meters the port).
  const complaints = complaintsCsv
    ? parseComplaintsCsv(complaintsCsv).filter((c) => isPortOf(c.port, contract.access.smsAccessCode))
    : [];
  return new ComplianceCheck({
    period,
    smsPort: contract.access.smsAccessCode,
    management: contract.access.portManagement,
    callLimits: {
      callsPerCallingNumberPerDay: contractRule(contract, "callsPerCallingNumberPerDay"),
      callsPerCalleePerDay: contractRule(contract, "callsPerCalleePerDay"),
    },
    ...(contentFindings ? { contentFindings } : {}),
    complaints,
  });
}
