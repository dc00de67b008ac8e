/**
 * Changing the stored contract document (a bank account R-BANK-1, a contact 2.13/9.2, a service's price
 * versions R-CHANGE-1): the change is computed from the stored contract and written over the version it was
 * read at; a concurrent change makes it start over once, then the operator is asked to run it again.
 */
import { getContractDocument, replaceContractDocument } from "../adapters/repository/contract-document";
import { type Contract, ContractInvalidError } from "../core/contract";
import { OperationRejectedError } from "./operation-input";

type DomainError = new (...args: never[]) => Error;

export async function changeContract<T extends { contract: Contract; changed: boolean }>(
  contractId: string,
  compute: (contract: Contract) => T,
  refusals: readonly DomainError[],
): Promise<T> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const { contract, version } = await getContractDocument(contractId);
    let result: T;
    try {
      result = compute(contract);
    } catch (error) {
      if (error instanceof ContractInvalidError || refusals.some((kind) => error instanceof kind))
        throw new OperationRejectedError((error as Error).message.split("\n").join(" "), { cause: error });
      throw error;
    }
    if (!result.changed || (await replaceContractDocument(contractId, result.contract, version)))
      return result;
  }
  throw new OperationRejectedError(
    `contract ${contractId} was changed by someone else meanwhile: run the command again`,
  );
}
