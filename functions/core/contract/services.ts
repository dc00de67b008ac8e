/**
 * The priced services of a contract file (服务及资费): what each is priced in, its signed unit price and its
 * dated price versions (R-PRICE-1..3, R-CHANGE-1).
 */
import * as z from "zod";
import { localDate, nonEmpty, positiveInt, RULE_ID, unitPriceText } from "./fields";

export const KNOWN_SERVICES = ["monthly-fee", "voice-outbound", "sms"] as const;
export type ServiceName = (typeof KNOWN_SERVICES)[number];

/** The unit each service is priced in; a contract pricing voice per "message" is a typo, not a tariff. */
export const SERVICE_UNITS: Record<ServiceName, string> = {
  "monthly-fee": "month",
  "voice-outbound": "minute",
  sms: "message",
};

/**
 * A dated price version of a service (R-CHANGE-1, 4.10; 3.11): the service added, its price changed or the
 * service cancelled from `effectiveFrom`. Versions are appended, never edited; rating prices each usage
 * record at the version in force on its date (functions/core/changes.ts).
 */
const serviceChange = z.strictObject({
  effectiveFrom: localDate,
  action: z.enum(["add", "change", "cancel"]),
  /** The unit price from `effectiveFrom`; absent for a cancellation. */
  unitPrice: unitPriceText.optional(),
  requestedOn: localDate,
  /** 4.10 "经乙方确认同意后"; for a tariff adjustment (3.11), the day both parties agreed. */
  confirmedByPartyBOn: localDate,
  /** R-CHANGE-1: Party A's request (4.10); tariff-3.11: Party B's SMS tariff adjustment agreed by both. */
  basis: z.enum(["R-CHANGE-1", "tariff-3.11"]),
});

export const service = z.strictObject({
  service: z.enum(KNOWN_SERVICES, {
    error: (issue) => `unknown service ${JSON.stringify(issue.input)} (known: ${KNOWN_SERVICES.join(", ")})`,
  }),
  description: nonEmpty,
  unit: nonEmpty,
  unitPrice: unitPriceText,
  rule: z.string().regex(RULE_ID, "a rule ID like R-PRICE-1"),
  /** A budget estimate of the volume, not a cap (R-PRICE-3). */
  estimatedVolume: positiveInt.optional(),
  /** R-CHANGE-1: the service's price versions after the signed price, oldest first. */
  changes: z.array(serviceChange).optional(),
});
