/**
 * RenewalWatch: "Hand the watch over to a fresh execution" — a term outlasts one Standard execution
 * (at most a year), so the watch continues in `<contractId>-term-<n>-c<k>`, as often as the term
 * needs (ADR 0004, ADR 0021).
 */
import { continueRenewalWatch } from "../app/renewal-watch";
import { lambdaHandler } from "../handler-kit";
import { handoverStep } from "../schemas";

export const handler = lambdaHandler("continue-renewal-watch", handoverStep, continueRenewalWatch);
