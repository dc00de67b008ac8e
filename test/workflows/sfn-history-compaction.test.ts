/**
 * A closed execution's history kept deflated (ADR 0055) answers as before: GetExecutionHistory returns the events
 * that were recorded (the same as read before compacting, every page and in reverse), and a redrive after
 * compacting continues the history as the API reference describes it (ExecutionRedriven right after
 * ExecutionFailed, event ids consecutive).
 */
import { describe, expect, it } from "vitest";
import { harness, machine, START } from "../fixtures/sfn/harness";

const DAY = 86_400_000;

const definition = machine({
  "Prepare the bill": {
    Type: "Task",
    Resource: "arn:aws:states:::lambda:invoke",
    Arguments: { FunctionName: "prepare", Payload: "{% $states.input %}" },
    Output: "{% $states.result.Payload %}",
    Next: "Send the bill",
  },
  "Send the bill": {
    Type: "Task",
    Resource: "arn:aws:states:::lambda:invoke",
    Arguments: { FunctionName: "send", Payload: "{% $states.input %}" },
    Output: "{% $states.result.Payload %}",
    End: true,
  },
});

describe("a closed execution's history, compacted", () => {
  it("reads back as recorded, in pages and in reverse, and a redrive continues it", async () => {
    let failuresLeft = 1;
    const h = harness({
      prepare: async (p: { n: number }) => ({ n: p.n + 1, 账单: "2025年8月" }),
      send: async (p: { n: number }) => {
        if (failuresLeft-- > 0) throw new Error("killed");
        return { sent: p.n };
      },
    });
    const executionArn = await h.start(definition, { n: 1 });
    await h.runtime.runExecutionToCompletion(executionArn, new Date(START.getTime() + DAY));
    const before = await h.runtime.getExecutionHistory({ executionArn });
    const reversedBefore = await h.runtime.getExecutionHistory({ executionArn, reverseOrder: true });

    h.runtime.compactHistory(executionArn);
    expect(await h.runtime.getExecutionHistory({ executionArn })).toEqual(before);
    h.runtime.compactHistory(executionArn);
    expect(await h.runtime.getExecutionHistory({ executionArn, reverseOrder: true })).toEqual(reversedBefore);
    h.runtime.compactHistory(executionArn);
    const first = await h.runtime.getExecutionHistory({ executionArn, maxResults: 3 });
    const rest = await h.runtime.getExecutionHistory({
      executionArn,
      maxResults: 100,
      nextToken: first.nextToken as string,
    });
    expect([...first.events, ...rest.events]).toEqual(before.events);

    h.runtime.compactHistory(executionArn);
    await h.clock.runUntil(new Date(START.getTime() + 60_000));
    await h.runtime.redriveExecution({ executionArn });
    await h.runtime.runExecutionToCompletion(executionArn, new Date(START.getTime() + DAY));
    h.runtime.compactHistory(executionArn);
    const after = await h.result(executionArn);
    expect(after.status).toBe("SUCCEEDED");
    expect(after.output).toEqual({ sent: 2 });
    expect(after.events.slice(0, before.events.length)).toEqual(before.events);
    expect(after.types[before.events.length]).toBe("ExecutionRedriven");
    expect(after.events.map((e) => e.id)).toEqual(after.events.map((_, i) => i + 1));
  });

  it("a running execution is left as it is", async () => {
    const h = harness();
    const waiting = machine({ "Wait a day": { Type: "Wait", Seconds: 86_400, End: true } });
    const executionArn = await h.start(waiting, {});
    await h.clock.runUntil(new Date(START.getTime() + 1000));
    const running = await h.runtime.getExecutionHistory({ executionArn });
    h.runtime.compactHistory(executionArn);
    expect(await h.runtime.getExecutionHistory({ executionArn })).toEqual(running);
    await h.runtime.runExecutionToCompletion(executionArn, new Date(START.getTime() + 2 * DAY));
    expect((await h.result(executionArn)).types.at(-1)).toBe("ExecutionSucceeded");
  });
});
