/**
 * Deleting a contract's personal data on request (R-RETAIN-1, ADR 0033). Citizens' phone numbers and SMS
 * content live only in the usage files; statements, cycles and the audit trail hold totals, counts and
 * masked values. The deletion itself is audited with the operator's identity (ADR 0032).
 */
import { appendAuditEvent } from "../adapters/repository";
import { deleteUsageThrough } from "../adapters/usage-store";

export async function purgePersonalData(
  contractId: string,
  through: string,
): Promise<{ contractId: string; through: string; deleted: string[] }> {
  const deleted = await deleteUsageThrough(contractId, through);
  await appendAuditEvent({
    contractId,
    who: "operator",
    what: `personal data deleted on request: ${deleted.length} usage files of the periods through ${through}`,
    rule: "R-RETAIN-1",
  });
  return { contractId, through, deleted };
}
