/**
 * Every "Wait for …" task (`lambda:invoke.waitForTaskToken`): stores the task token where the answer
 * will find it — under the bill's opaque reply key, the cycle, or the term — and never logs it.
 */
import * as z from "zod";
import { awaitCycleCallback } from "../app/cycle/waits";
import { awaitWrittenNotice } from "../app/renewal-watch";
import { lambdaHandler } from "../handler-kit";
import { contractId, period, term } from "../schemas";

const taskToken = z.string().min(1).max(8192);

const event = z.discriminatedUnion("awaiting", [
  z.object({
    awaiting: z.enum(["reconciliation-reply", "agreed-amount", "payment", "invoice"]),
    contractId,
    period,
    term: term.nullish(),
    taskToken,
  }),
  z.object({ awaiting: z.literal("written-notice"), contractId, period: period.nullish(), term, taskToken }),
]);

export const handler = lambdaHandler("await-callback", event, async (input) =>
  input.awaiting === "written-notice"
    ? awaitWrittenNotice({ contractId: input.contractId, term: input.term, taskToken: input.taskToken })
    : awaitCycleCallback({
        contractId: input.contractId,
        period: input.period,
        awaiting: input.awaiting,
        taskToken: input.taskToken,
      }),
);
