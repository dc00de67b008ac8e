/**
 * Putting a contract under watch: its terms into the table (architecture §5) and its first term's
 * RenewalWatch started (R-TERM-1..3). From then on the monthly schedule bills it and each watch starts
 * the next term's.
 */

import { appendAuditEvent, registerContract } from "../adapters/repository";
import { startNamedExecution, stateMachineArnByName } from "../adapters/workflow";
import type { Contract } from "../core/contract";
import { OperationRejectedError } from "./operations";
import { renewalWatchName } from "./renewal-watch";

export const RENEWAL_WATCH_NAME = "ContractOps-RenewalWatch";

export async function putContractUnderWatch(contract: Contract) {
  const renewalWatchArn = process.env.RENEWAL_WATCH_ARN ?? (await stateMachineArnByName(RENEWAL_WATCH_NAME));
  if (!renewalWatchArn) {
    throw new OperationRejectedError(
      `no state machine ${RENEWAL_WATCH_NAME} is deployed where this command points`,
    );
  }
  const registered = await registerContract(contract);
  if (registered) {
    await appendAuditEvent({
      contractId: contract.contractId,
      who: "operator",
      what: "contract loaded and put under watch",
      rule: "R-TERM-1",
    });
  }
  const watch = await startNamedExecution(renewalWatchArn, renewalWatchName(contract.contractId, 1), {
    contractId: contract.contractId,
    term: 1,
  });
  return { contractId: contract.contractId, registered, renewalWatchStarted: watch.started };
}
