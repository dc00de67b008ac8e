/** The contract's tunables in the shapes the core's deadline and renewal rules read. */
import type { Contract } from "../core/contract";
import { type DeadlineRules, deadlineRulesFrom } from "../core/deadlines";
import { type RenewalRules, renewalRulesFrom } from "../core/renewal";

/** Reminders (R-RECON-5, R-NOTICE-3) go out at this time of their day, in office hours. */
export const REMINDER_TIME = "09:00";

export function deadlineRules(contract: Contract): DeadlineRules {
  return deadlineRulesFrom(contract.rules);
}

export function renewalRules(contract: Contract): RenewalRules {
  return renewalRulesFrom(contract.rules);
}
