/**
 * The embedded stack's schedules are the synthesized AWS::Scheduler::Schedule resources: expression, time zone
 * and target input, with EventBridge Scheduler's context attribute `<aws.scheduler.scheduled-time>` rendered as
 * Scheduler renders it ("Adding context attributes in EventBridge Scheduler",
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html: "The time you
 * specified for the schedule to invoke its target, for example, 2022-03-22T18:59:43Z").
 */
import { afterEach, describe, expect, it } from "vitest";
import { type EmbeddedApp, startEmbeddedApp } from "../../infra/local/app";
import { loadSchedulesFromTemplate, renderSchedulerInput } from "../../infra/local/sfn/template-schedules";

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const schedule = (properties: object) => ({
  Resources: {
    Kickoff: { Type: "AWS::StepFunctions::StateMachine", Properties: {} },
    S: {
      Type: "AWS::Scheduler::Schedule",
      Properties: {
        ScheduleExpression: "cron(0 1 1 * ? *)",
        ScheduleExpressionTimezone: "Asia/Shanghai",
        State: "ENABLED",
        Target: { Arn: { Ref: "Kickoff" }, Input: '{"scheduledTime":"<aws.scheduler.scheduled-time>"}' },
        ...properties,
      },
    },
  },
});

describe("schedules from the synthesized template", () => {
  it("the monthly kickoff fires at 01:00 Asia/Shanghai on the 1st with scheduledTime in UTC, as Scheduler sends it", async () => {
    // 2025-10-01 01:00 +08:00 is 2025-09-30T17:00:00Z.
    app = await startEmbeddedApp({ start: new Date("2025-09-30T16:00:00Z"), schedule: true });
    await app.clock.runUntil(new Date("2025-09-30T18:00:00Z"));
    const { executions } = await app.stepFunctions.listExecutions({
      stateMachineArn: app.stateMachineArns.monthlyKickoff,
    });
    expect(executions).toHaveLength(1);
    expect(executions[0]?.startDate.toISOString()).toBe("2025-09-30T17:00:00.000Z");
    const started = await app.stepFunctions.describeExecution({
      executionArn: executions[0]?.executionArn ?? "",
    });
    expect(JSON.parse(started.input)).toEqual({ scheduledTime: "2025-09-30T17:00:00Z" });
  });

  it("reads expression, time zone, target and input; a DISABLED schedule is not registered", () => {
    expect(loadSchedulesFromTemplate(schedule({}))).toEqual([
      {
        logicalId: "S",
        cron: "0 1 1 * ? *",
        timezone: "Asia/Shanghai",
        targetLogicalId: "Kickoff",
        input: '{"scheduledTime":"<aws.scheduler.scheduled-time>"}',
      },
    ]);
    expect(loadSchedulesFromTemplate(schedule({ State: "DISABLED" }))).toEqual([]);
  });

  it("refuses what the local schedule cannot run, naming the schedule: rate/at expressions, a target that is no state machine, no Input", () => {
    expect(() => loadSchedulesFromTemplate(schedule({ ScheduleExpression: "rate(5 minutes)" }))).toThrow(
      /S.*rate\(5 minutes\)/,
    );
    expect(() =>
      loadSchedulesFromTemplate(
        schedule({ Target: { Arn: "arn:aws:scheduler:::aws-sdk:sqs:sendMessage", Input: "{}" } }),
      ),
    ).toThrow(/S.*state machine/);
    expect(() => loadSchedulesFromTemplate(schedule({ Target: { Arn: { Ref: "Kickoff" } } }))).toThrow(
      /S.*Input/,
    );
  });

  it("renders the context attributes", () => {
    const at = new Date("2022-03-22T18:59:43.000Z");
    expect(
      renderSchedulerInput('{"t":"<aws.scheduler.scheduled-time>","n":"<aws.scheduler.attempt-number>"}', at),
    ).toBe('{"t":"2022-03-22T18:59:43Z","n":"1"}');
  });
});
