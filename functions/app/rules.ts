/** The contract's tunables in the shapes the core's deadline and renewal rules read. */
import type { Contract } from "../core/contract";
import { type DeadlineRules, deadlineRulesFrom } from "../core/deadlines";
import { type RenewalRules, renewalRulesFrom } from "../core/renewal";

export function deadlineRules(contract: Contract): DeadlineRules {
  return deadlineRulesFrom(contract.rules);
}

export function renewalRules(contract: Contract): RenewalRules {
  return renewalRulesFrom(contract.rules);
}
