/**
 * Deleting a contract's personal data on request (R-RETAIN-1, ADR 0033). Citizens' phone numbers and SMS
 * content live only in the usage files; statements, cycles and the audit trail hold totals, counts and
 * masked values. The deletion itself is audited with the operator's identity (ADR 0032). It runs in a
 * function of its own behind its own AWS_IAM function URL (ADR 0083): the only function that may delete
 * usage files, and the only one besides the upload that needs the S3 client for them.
 */
import * as z from "zod";
import { appendAuditEvent } from "../adapters/repository";
import { deleteUsageThrough } from "../adapters/usage-store";
import { command } from "./operator-request";

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

/** The personal-data function's one command (ADR 0083), in the operator function's request format. */
export const personalDataCommands = {
  "purge-personal-data": command({
    input: z.strictObject({ contractId: z.string().min(1), through: z.string().regex(/^\d{4}-\d{2}$/) }),
    output: z.object({ contractId: z.string(), through: z.string(), deleted: z.array(z.string()) }),
    run: (input) => purgePersonalData(input.contractId, input.through),
  }),
};
