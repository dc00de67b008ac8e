/**
 * The checks across sections of a contract file (合同): what no single field can say is wrong — a signature
 * too long for an SMS part, a service priced twice, billing before the term, no bank account in force, price
 * versions out of order. Each problem names the JSON path to fix, in the order the file reads.
 */
import type { Contract, ContractService } from "../contract";
import { codePointLength } from "../sms";
import type { LocalDate } from "../time";
import { SERVICE_UNITS } from "./services";

export interface ConsistencyIssue {
  path: (string | number)[];
  message: string;
}

/** Every cross-section problem of a contract whose fields are each valid; `termStart` per R-TERM-1. */
export function consistencyIssues(contract: Contract, termStart: LocalDate): ConsistencyIssue[] {
  const issues: ConsistencyIssue[] = [];
  const signature = contract.access.smsSignature;
  const length = codePointLength(signature);
  const partLength = contract.rules.smsPartLength.value;
  if (partLength <= length + 2) {
    issues.push({
      path: ["rules", "smsPartLength", "value"],
      message: `R-SMS-1: a ${partLength}-character part cannot hold the signature 【${signature}】`,
    });
  }

  const seen = new Set<string>();
  contract.services.forEach((entry, index) => {
    if (seen.has(entry.service)) {
      issues.push({
        path: ["services", index, "service"],
        message: `service "${entry.service}" is priced twice`,
      });
    }
    seen.add(entry.service);
    serviceChangeProblems(entry).forEach((message, change) => {
      if (message) issues.push({ path: ["services", index, "changes", change], message });
    });
    const unit = SERVICE_UNITS[entry.service];
    if (entry.unit !== unit) {
      issues.push({
        path: ["services", index, "unit"],
        message: `service "${entry.service}" is priced per "${unit}", not "${entry.unit}"`,
      });
    }
  });

  if (contract.rules.billingStartsOn.value < termStart) {
    issues.push({
      path: ["rules", "billingStartsOn", "value"],
      message: `R-TRIAL-1: billing cannot start (${contract.rules.billingStartsOn.value}) before the term starts (${termStart}, R-TERM-1)`,
    });
  }
  for (const side of ["partyA", "partyB"] as const) {
    const accounts = contract.parties[side].bankAccounts;
    if (!accounts.some((account) => account.effectiveFrom <= termStart)) {
      issues.push({
        path: ["parties", side, "bankAccounts"],
        message: `R-BANK-1: no bank account is in force when the term starts (${termStart})`,
      });
    }
    const dates = new Set<string>();
    accounts.forEach((account, index) => {
      if (dates.has(account.effectiveFrom)) {
        issues.push({
          path: ["parties", side, "bankAccounts", index, "effectiveFrom"],
          message: `R-BANK-1: two accounts take effect on ${account.effectiveFrom}`,
        });
      }
      dates.add(account.effectiveFrom);
    });
  }

  const percents = contract.rules.budgetWarningPercents.value.map(Number);
  if (percents.some((p, i) => p <= 0 || (i > 0 && p <= (percents[i - 1] ?? 0)))) {
    issues.push({
      path: ["rules", "budgetWarningPercents", "value"],
      message: "R-BUDGET-1: warning percentages must be positive and increasing",
    });
  }
  if (contract.signing.assumed && !contract.assumptions.some((text) => text.includes("signing"))) {
    issues.push({ path: ["assumptions"], message: "assumed signing dates must be explained in assumptions" });
  }
  return issues;
}

/**
 * R-CHANGE-1: what is wrong with each of a service's price versions (undefined when nothing): they follow
 * one another in time, add only what is not in force, change or cancel only what is, carry a price unless
 * they cancel, and the monthly fee (R-PRICE-1, one charge per month) changes on the 1st of a month only.
 */
function serviceChangeProblems(entry: ContractService): (string | undefined)[] {
  let inForce = !(entry.changes?.[0]?.action === "add");
  let previous: LocalDate | undefined;
  return (entry.changes ?? []).map((change) => {
    const problem = (() => {
      if (previous !== undefined && change.effectiveFrom <= previous)
        return `R-CHANGE-1: takes effect ${change.effectiveFrom}, not after the change before it (${previous})`;
      if (change.action === "add" && inForce)
        return `R-CHANGE-1: "${entry.service}" is already in force on ${change.effectiveFrom}`;
      if (change.action !== "add" && !inForce)
        return `R-CHANGE-1: "${entry.service}" is not in force on ${change.effectiveFrom}`;
      if ((change.action === "cancel") !== (change.unitPrice === undefined))
        return change.action === "cancel"
          ? "R-CHANGE-1: a cancellation has no unit price"
          : `R-CHANGE-1: ${change.action} needs a unit price`;
      if (entry.service === "monthly-fee" && !change.effectiveFrom.endsWith("-01"))
        return `R-CHANGE-1: the monthly fee changes on the 1st of a month, not ${change.effectiveFrom}`;
      return undefined;
    })();
    previous = change.effectiveFrom;
    inForce = change.action !== "cancel";
    return problem;
  });
}
