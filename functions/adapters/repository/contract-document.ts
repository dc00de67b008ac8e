/**
 * Changing the stored contract itself (a new bank account R-BANK-1, a new contact 2.13/9.2): the contract
 * record carries `documentVersion`, and a change is written only over the version it was computed from, so
 * two operators changing the contract at once cannot lose one another's change.
 */
import * as z from "zod";
import { type Contract, contractSchema } from "../../core/contract";
import { conditionalUpdate, contractKey, getItem, NotFoundError, parseRecord } from "./table";

const documentSchema = z.object({
  contract: contractSchema,
  documentVersion: z.number().int().min(1).optional(),
});

export async function getContractDocument(
  contractId: string,
): Promise<{ contract: Contract; version: number }> {
  const item = await getItem<Record<string, unknown>>(contractKey(contractId), "CONTRACT");
  if (!item) throw new NotFoundError(`unknown contract ${contractId}`);
  const record = parseRecord(documentSchema, item, "contract");
  return { contract: record.contract, version: record.documentVersion ?? 0 };
}

/** Writes the changed contract if the stored one is still at `version`; false when it changed meanwhile. */
export async function replaceContractDocument(
  contractId: string,
  contract: Contract,
  version: number,
): Promise<boolean> {
  return conditionalUpdate(
    contractKey(contractId),
    "CONTRACT",
    "SET #c = :c, documentVersion = :next",
    version === 0 ? "attribute_not_exists(documentVersion)" : "documentVersion = :v",
    {
      names: { "#c": "contract" },
      values: { ":c": contract, ":next": version + 1, ...(version === 0 ? {} : { ":v": version }) },
    },
  );
}
