/**
 * ObligationClock's steps (R-BREACH-1, R-SLA-1, R-SLA-2, R-TERM-3): "await" stores the wait's task token (never
 * logged), "remind" sends the reminder before a cure deadline, "due" records what a passed deadline means.
 */
import * as z from "zod";
import { awaitObligation, obligationDeadlinePassed, remindObligation } from "../app/obligation-clock";
import { lambdaHandler } from "../handler-kit";
import { contractId } from "../schemas";

const subject = {
  contractId,
  kind: z.enum(["cure", "ticket", "termination"]),
  ref: z.string().min(1).max(128),
};

const event = z.discriminatedUnion("action", [
  z.object({ action: z.literal("await"), ...subject, taskToken: z.string().min(1).max(8192) }),
  z.object({ action: z.literal("remind"), ...subject }),
  z.object({ action: z.literal("due"), ...subject }),
]);

export const handler = lambdaHandler("obligation-clock", event, async (input) => {
  switch (input.action) {
    case "await":
      return awaitObligation(input);
    case "remind":
      return remindObligation(input);
    case "due":
      return obligationDeadlinePassed(input);
  }
});
