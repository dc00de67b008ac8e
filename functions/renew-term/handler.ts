/** RenewalWatch: "Renew the contract for another term" (R-TERM-2) and start the next term's watch. */
import { renewTerm } from "../app/renewal-watch";
import { lambdaHandler } from "../handler-kit";
import { termStep } from "../schemas";

export const handler = lambdaHandler("renew-term", termStep, renewTerm);
