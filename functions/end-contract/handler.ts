/** RenewalWatch: "End the contract" at term end after a timely written notice (R-TERM-3, R-END-1). */
import { endContractAtTermEnd } from "../app/renewal-watch";
import { lambdaHandler } from "../handler-kit";
import { termStep } from "../schemas";

export const handler = lambdaHandler("end-contract", termStep, endContractAtTermEnd);
