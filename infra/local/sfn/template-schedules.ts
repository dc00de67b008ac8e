/**
 * The EventBridge Scheduler schedules of a synthesized template (`AWS::Scheduler::Schedule`), so the embedded
 * stack fires exactly what would be deployed: the cron expression, its time zone, the target state machine and
 * the target's Input with Scheduler's context attributes rendered at each firing ("Adding context attributes in
 * EventBridge Scheduler", https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html).
 */
import { TemplateResolutionError } from "./cdk-template";

export interface TemplateSchedule {
  logicalId: string;
  /** The body of `cron(...)`: `min hour day-of-month month day-of-week year`. */
  cron: string;
  /** IANA time zone (`ScheduleExpressionTimezone`, UTC when absent). */
  timezone: string;
  /** Logical id of the target state machine (`Target.Arn` is its Ref). */
  targetLogicalId: string;
  /** `Target.Input` as written, context attributes not yet rendered. */
  input: string;
}

interface Resource {
  Type?: string;
  Properties?: Record<string, unknown>;
}

export function loadSchedulesFromTemplate(template: object): TemplateSchedule[] {
  const resources = (template as { Resources?: Record<string, Resource> }).Resources ?? {};
  const schedules: TemplateSchedule[] = [];
  for (const [logicalId, r] of Object.entries(resources)) {
    if (r.Type !== "AWS::Scheduler::Schedule") continue;
    const props = r.Properties ?? {};
    if (props.State === "DISABLED") continue;
    const where = `schedule ${logicalId}`;
    const expression = String(props.ScheduleExpression ?? "");
    const cron = /^cron\((.+)\)$/.exec(expression)?.[1];
    if (!cron) {
      throw new TemplateResolutionError(
        `${where}: ScheduleExpression ${expression} is not a cron(...) expression (rate and at are not run locally)`,
      );
    }
    const target = (props.Target ?? {}) as { Arn?: unknown; Input?: unknown };
    const ref = (target.Arn as { Ref?: unknown } | undefined)?.Ref;
    const machine = typeof ref === "string" ? resources[ref] : undefined;
    if (machine?.Type !== "AWS::StepFunctions::StateMachine" || typeof ref !== "string") {
      throw new TemplateResolutionError(`${where}: the target is not a state machine of this template`);
    }
    if (typeof target.Input !== "string") {
      throw new TemplateResolutionError(`${where}: the target has no Input string`);
    }
    schedules.push({
      logicalId,
      cron,
      timezone:
        typeof props.ScheduleExpressionTimezone === "string" ? props.ScheduleExpressionTimezone : "UTC",
      targetLogicalId: ref,
      input: target.Input,
    });
  }
  return schedules;
}

/**
 * The Input as Scheduler sends it for a firing at `scheduledAt`: `<aws.scheduler.scheduled-time>` is that
 * instant in UTC to the second (`2022-03-22T18:59:43Z`); a local firing is always the first attempt.
 */
export function renderSchedulerInput(input: string, scheduledAt: Date): string {
  return input
    .replaceAll("<aws.scheduler.scheduled-time>", scheduledAt.toISOString().replace(/\.\d{3}Z$/, "Z"))
    .replaceAll("<aws.scheduler.attempt-number>", "1");
}
