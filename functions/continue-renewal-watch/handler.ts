/**
 * RenewalWatch: "Hand the watch over to a fresh execution" — a term outlasts one Standard execution
 * (at most a year), so the watch continues in `<contractId>-term-<n>-continued` (ADR 0004).
 */
import { continueRenewalWatch } from "../app/renewal-watch";
import { lambdaHandler } from "../handler-kit";
import { termStep } from "../schemas";

export const handler = lambdaHandler("continue-renewal-watch", termStep, continueRenewalWatch);
