/**
 * EventBridge Scheduler starts MonthlyKickoff at 01:00 on the 1st of every month, Asia/Shanghai time
 * (R-PERIOD-1: the month just ended is complete). Failed deliveries are retried and then parked in a
 * dead-letter queue, whose depth raises an alarm.
 */
import { Duration, TimeZone, Validations } from "aws-cdk-lib";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as targets from "aws-cdk-lib/aws-scheduler-targets";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import { CALENDAR_CHECK_SCHEDULE } from "../../workflows/calendar-check";

export class MonthlyKickoffSchedule extends Construct {
  readonly schedule: scheduler.Schedule;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, kickoff: sfn.IStateMachine) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, "DeadLetterQueue", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: "AwsSolutions-SQS3",
      reason: "This queue is itself the dead-letter queue of the EventBridge Scheduler target.",
    });

    this.schedule = new scheduler.Schedule(this, "Schedule", {
      description: "Starts ContractOps-MonthlyKickoff at 01:00 on the 1st of each month, Asia/Shanghai",
      schedule: scheduler.ScheduleExpression.cron({
        minute: "0",
        hour: "1",
        day: "1",
        month: "*",
        year: "*",
        timeZone: TimeZone.ASIA_SHANGHAI,
      }),
      target: new targets.StepFunctionsStartExecution(kickoff, {
        // The scheduled (not the actual) time decides the billing month, so a late retry bills the same month.
        input: scheduler.ScheduleTargetInput.fromObject({
          scheduledTime: scheduler.ContextAttribute.scheduledTime,
        }),
        retryAttempts: 20,
        maxEventAge: Duration.hours(12),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
  }
}

/**
 * CalendarCheck (R-WD-3, ADR 0043) at 09:00 on the 1st and 15th of November and December, Asia/Shanghai, in
 * the same schedule group as the monthly kickoff, sharing its retries and dead-letter queue.
 */
export class CalendarCheckSchedule extends Construct {
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, check: sfn.IStateMachine, monthly: MonthlyKickoffSchedule) {
    super(scope, id);
    const [minute, hour, day, month, , year] = CALENDAR_CHECK_SCHEDULE.cron.split(" ") as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    this.schedule = new scheduler.Schedule(this, "Schedule", {
      description:
        "Starts ContractOps-CalendarCheck at 09:00 on the 1st and 15th of Nov and Dec, Asia/Shanghai",
      ...(monthly.schedule.scheduleGroup ? { scheduleGroup: monthly.schedule.scheduleGroup } : {}),
      schedule: scheduler.ScheduleExpression.cron({
        minute,
        hour,
        day,
        month,
        year,
        timeZone: TimeZone.of(CALENDAR_CHECK_SCHEDULE.timezone),
      }),
      target: new targets.StepFunctionsStartExecution(check, {
        input: scheduler.ScheduleTargetInput.fromObject({
          scheduledTime: scheduler.ContextAttribute.scheduledTime,
        }),
        retryAttempts: 20,
        maxEventAge: Duration.hours(12),
        deadLetterQueue: monthly.deadLetterQueue,
      }),
    });
  }
}
