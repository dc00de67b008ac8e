/**
 * Schedules on the virtual clock, with EventBridge Scheduler cron semantics in a time zone
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based):
 * the monthly run `cron(0 1 1 * ? *)` in Asia/Shanghai.
 */
import { describe, expect, it } from "vitest";
import { parseCron } from "../../infra/local/sfn/cron";
import { harness, machine } from "../fixtures/sfn/harness";

describe("cron schedules", () => {
  it("0 1 1 * ? * in Asia/Shanghai fires at 01:00 +08:00 on the 1st of each month", () => {
    const cron = parseCron("0 1 1 * ? *", "Asia/Shanghai");
    const first = cron.nextAfter(new Date("2026-01-15T00:00:00Z"));
    expect(first?.toISOString()).toBe("2026-01-31T17:00:00.000Z");
    expect(cron.nextAfter(first as Date)?.toISOString()).toBe("2026-02-28T17:00:00.000Z");
  });

  it("supports lists, ranges, increments, names and L; honours DST in other zones", () => {
    expect(
      parseCron("cron(0/15 9-10 ? * MON-FRI *)", "UTC")
        .nextAfter(new Date("2026-01-03T12:00:00Z"))
        ?.toISOString(),
    ).toBe("2026-01-05T09:00:00.000Z");
    expect(parseCron("30 23 L * ? *", "UTC").nextAfter(new Date("2026-02-01T00:00:00Z"))?.toISOString()).toBe(
      "2026-02-28T23:30:00.000Z",
    );
    // 02:30 local on the day after the US spring-forward is EDT (UTC-4).
    expect(
      parseCron("30 2 9 MAR ? 2026", "America/New_York")
        .nextAfter(new Date("2026-01-01T00:00:00Z"))
        ?.toISOString(),
    ).toBe("2026-03-09T06:30:00.000Z");
  });

  it("rejects what it does not implement rather than misreading it", () => {
    expect(() => parseCron("0 1 1W * ? *", "UTC")).toThrow(/day-of-month/);
    expect(() => parseCron("0 1 ? * 2#1 *", "UTC")).toThrow(/day-of-week/);
    expect(() => parseCron("0 1 1 * 2 *", "UTC")).toThrow(/'\?'/);
    expect(() => parseCron("0 1 1 * ? *", "Mars/Olympus")).toThrow(/time zone/);
  });

  it("registerSchedule starts one execution per month on the virtual clock, named per firing", async () => {
    // 2025-12-31T00:00Z is 08:00 in Shanghai: the first firing is 2026-01-01 01:00 +08:00.
    const h = harness({}, new Date("2025-12-31T00:00:00Z"));
    const { stateMachineArn } = await h.runtime.createStateMachine({
      name: "MonthlyCycle",
      definition: JSON.stringify(
        machine({ Run: { Type: "Pass", Output: "{% $states.context.Execution.Name %}", End: true } }),
      ),
    });
    const schedule = h.runtime.registerSchedule({
      name: "monthly-run",
      cron: "0 1 1 * ? *",
      timezone: "Asia/Shanghai",
      stateMachineArn,
      input: () => JSON.stringify({ firedAt: h.clock.now().toISOString() }),
      executionName: (firesAt) =>
        `C1-${firesAt.toLocaleDateString("en-CA", { timeZone: "Asia/Shanghai" }).slice(0, 7)}`,
    });
    await h.clock.runUntil(new Date("2026-12-31T00:00:00Z"));
    schedule.cancel();
    const { executions } = await h.runtime.listExecutions({ stateMachineArn, maxResults: 100 });
    expect(executions.map((e) => e.name).reverse()).toEqual([
      "C1-2026-01",
      "C1-2026-02",
      "C1-2026-03",
      "C1-2026-04",
      "C1-2026-05",
      "C1-2026-06",
      "C1-2026-07",
      "C1-2026-08",
      "C1-2026-09",
      "C1-2026-10",
      "C1-2026-11",
      "C1-2026-12",
    ]);
    expect(executions.at(-1)?.startDate.toISOString()).toBe("2025-12-31T17:00:00.000Z");
    expect(executions.every((e) => e.status === "SUCCEEDED")).toBe(true);
  });
});
