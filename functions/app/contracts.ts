/**
 * Putting a contract under watch: its terms into the table (architecture §5) and its first term's
 * RenewalWatch started (R-TERM-1..3). From then on the monthly schedule bills it and each watch starts
 * the next term's.
 */

import { appendAuditEvent, registerContract } from "../adapters/repository";
import { startNamedExecution } from "../adapters/workflow";
import type { Contract } from "../core/contract";
import {
  renewalWatchArn as deployedRenewalWatchArn,
  RENEWAL_WATCH_NAME,
  renewalWatchName,
} from "./renewal-watch";

export { RENEWAL_WATCH_NAME };

export async function putContractUnderWatch(contract: Contract) {
  const renewalWatchArn = await deployedRenewalWatchArn();
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
