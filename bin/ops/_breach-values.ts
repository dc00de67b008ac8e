/**
 * The values the breach-register commands share (R-BREACH-1): which breach, and how a written notice or
 * answer travelled. `--region` is the notice's delivery region (R-NOTICE-2), as in record-notice, so the AWS
 * region has its own flag `--aws-region`.
 */
import {
  DELIVERY_METHODS,
  DELIVERY_REGIONS,
  type DeliveryMethod,
  type DeliveryRegion,
} from "../../functions/core/notices";
import type { LocalDate } from "../../functions/core/time";
import { choiceValue, dayValue, invalidValue } from "./_values";
import { UsageError } from "./cli-kit";

export const awsTargetOptions = {
  profile: { type: "string" },
  "aws-region": { type: "string" },
} as const;

/** A register id: `<period>:<rule>` for a detected breach (2025-09:R-PAY-1), or an id the operator chose. */
export function breachIdValue(field: string, text: string): string {
  if (!/^[0-9A-Za-z][0-9A-Za-z:._-]{0,63}$/.test(text)) {
    throw invalidValue(field, text, "a breach id of letters, digits and : . _ - (e.g. 2025-09:R-PAY-1)");
  }
  return text;
}

export function ruleIdValue(field: string, text: string): string {
  if (!/^R-[A-Z]+-\d+$/.test(text)) throw invalidValue(field, text, "a rule ID like R-SLA-2");
  return text;
}

/**
 * Clause 9.3: personal delivery counts the day the recipient signs, fax the day of the transmission report
 * (`--received`); express and registered mail count from the dispatch day and the destination
 * (`--dispatched`, `--region`).
 */
export function deliveryValues(
  values: { method?: string; region?: string; received?: string; dispatched?: string },
  usage: string,
): { method: DeliveryMethod; region: DeliveryRegion | null; sentOn: LocalDate } {
  if (values.method === undefined) throw new UsageError(`missing --method\nusage: ${usage}`);
  const method = choiceValue("--method", values.method, DELIVERY_METHODS);
  if (method === "personal" || method === "fax") {
    if (values.received === undefined)
      throw new UsageError(`--method ${method} needs --received <YYYY-MM-DD> (clause 9.3)\nusage: ${usage}`);
    if (values.dispatched !== undefined || values.region !== undefined)
      throw new UsageError(
        `--method ${method} takes --received only, not --dispatched or --region\nusage: ${usage}`,
      );
    return { method, region: null, sentOn: dayValue("--received", values.received) };
  }
  if (values.dispatched === undefined || values.region === undefined) {
    throw new UsageError(
      `--method ${method} needs --dispatched <YYYY-MM-DD> and --region (deemed delivery, clause 9.3)\nusage: ${usage}`,
    );
  }
  if (values.received !== undefined)
    throw new UsageError(`--method ${method} counts from --dispatched, not --received\nusage: ${usage}`);
  return {
    method,
    region: choiceValue("--region", values.region, DELIVERY_REGIONS),
    sentOn: dayValue("--dispatched", values.dispatched),
  };
}
