/**
 * CalendarCheck (R-WD-3): started by its schedule — in the same schedule group as MonthlyKickoff — on the 1st
 * and 15th of November and December at 09:00 Asia/Shanghai, when the State Council's notice for next year is
 * due. If next year's calendar is still provisional, Party B's contact of each active contract is told, with
 * the commands that import and apply the notice (docs/decisions/0043-provisional-year-check.md).
 */
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import { invokeStep, type WorkflowFunctions } from "./states";

/** The check's schedule, read by the CDK stack and the embedded stack alike. */
export const CALENDAR_CHECK_SCHEDULE = { cron: "0 9 1,15 11,12 ? *", timezone: "Asia/Shanghai" } as const;

export type CalendarCheckFunctions = WorkflowFunctions<"check-calendar-year">;

export function calendarCheckDefinition(scope: Construct, fns: CalendarCheckFunctions): sfn.IChainable {
  return invokeStep(scope, {
    fn: fns["check-calendar-year"],
    stateName: "Warn Party B if next year's calendar is still provisional",
    comment:
      "R-WD-3: next year's deadlines are provisional until the State Council's notice is imported and applied; Party B's contact is told once per scheduled check, with the commands to run.",
    payload: {
      firesAt:
        "{% $exists($states.input.scheduledTime) ? $states.input.scheduledTime : $states.context.Execution.StartTime %}",
    },
  });
}
