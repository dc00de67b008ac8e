/**
 * The embedded stack's Lambda logs (ADR 0092): what a handler writes — console.log text, a JSON logger's
 * lines on stdout or stderr — lands in `/aws/lambda/<function>` between Lambda's START and END lines,
 * one stream per invocation, stamped with the stack's virtual time, and is read back through
 * @aws-sdk/client-cloudwatch-logs (DescribeLogGroups, FilterLogEvents) at the stack's endpoint, as the
 * console reads a deployed stack's. Oracle: the Lambda developer guide's Node.js log formats (text
 * lines `<ISO time>\t<request id>\t<LEVEL>\t<message>`; JSON lines passed through as written).
 */
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_CREDENTIALS, resetAwsClients } from "../../functions/adapters/aws-config";
import { lambdaLogEvents, lambdaLogGroup } from "../../functions/adapters/lambda-logs";
import { LambdaLogStore } from "../../infra/local/lambda-logs";
import { VirtualClock } from "../../infra/local/sfn";
import { type LocalStack, startLocalStack } from "../../infra/local/stack";

const START = new Date("2025-09-01T01:00:00.000Z");
const ARN = "arn:aws:lambda:us-east-1:000000000000:function:ContractOps-prepare-bill";
const savedEnv = { ...process.env };
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    clock: new VirtualClock(START, "virtual"),
    invokeLambda: async (_arn, payload) => {
      const { contract } = payload as { contract: string };
      console.log(`rating ${contract}`);
      // A turn of the event loop: two invocations interleave their lines.
      await new Promise((resolve) => setImmediate(resolve));
      process.stderr.write(
        `${JSON.stringify({ level: "error", message: "usage file missing", contract })}\n`,
      );
      return { ok: contract };
    },
  });
  Object.assign(process.env, stack.env);
  resetAwsClients();
  await Promise.all(
    ["c1", "c2"].map((contract, i) =>
      stack.invokeLambda(
        ARN,
        { contract },
        { functionName: "ContractOps-prepare-bill", awsRequestId: `req-${i + 1}` },
      ),
    ),
  );
});

afterAll(async () => {
  resetAwsClients();
  process.env = savedEnv;
  await stack.stop();
});

describe("a local Lambda's output in CloudWatch Logs (acceptance)", () => {
  it("the function has its log group, found by the name Lambda gives it", async () => {
    expect(await lambdaLogGroup("ContractOps-prepare-bill")).toBe("/aws/lambda/ContractOps-prepare-bill");
  });

  it("each invocation's lines, in its own stream, between START and END, at the stack's time", async () => {
    const events = await lambdaLogEvents({
      functionName: "ContractOps-prepare-bill",
      from: START,
      to: START,
    });
    const first = events.filter((e) => e.logStreamName === events[0]?.logStreamName);
    expect(first.map((e) => e.message)).toEqual([
      "START RequestId: req-1 Version: $LATEST",
      "2025-09-01T01:00:00.000Z\treq-1\tINFO\trating c1",
      '{"level":"error","message":"usage file missing","contract":"c1"}',
      "END RequestId: req-1",
    ]);
    expect(first.every((e) => e.timestamp === START.getTime())).toBe(true);
    expect(new Set(events.map((e) => e.logStreamName)).size).toBe(2);
    expect(events).toHaveLength(8);
  });
});

describe("what the local Logs API refuses or leaves out (rejection)", () => {
  it("a function that never ran has no group, and reading it gives nothing", async () => {
    expect(await lambdaLogGroup("ContractOps-send-bill")).toBeUndefined();
    expect(await lambdaLogEvents({ functionName: "ContractOps-send-bill", from: START, to: START })).toEqual(
      [],
    );
  });

  it("FilterLogEvents on an unknown group is ResourceNotFoundException, as CloudWatch Logs answers", async () => {
    const logs = new CloudWatchLogsClient({
      endpoint: stack.env.CONTRACT_OPS_LOGS_ENDPOINT,
      region: "us-east-1",
      credentials: LOCAL_CREDENTIALS,
    });
    await expect(
      logs.send(new FilterLogEventsCommand({ logGroupName: "/aws/lambda/nope" })),
    ).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
    logs.destroy();
  });

  it("events outside the time asked for are not returned", async () => {
    const later = new Date(START.getTime() + 1);
    expect(
      await lambdaLogEvents({ functionName: "ContractOps-prepare-bill", from: later, to: later }),
    ).toEqual([]);
  });

  it("the store keeps only the newest events, as a retention period would", async () => {
    const store = new LambdaLogStore(new VirtualClock(START, "virtual"), 4);
    const invoke = store.capture(async () => undefined);
    for (const id of ["r1", "r2", "r3"]) await invoke(ARN, {}, { functionName: "f", awsRequestId: id });
    const kept = (await store.answer("FilterLogEvents", { logGroupName: "/aws/lambda/f" })) as {
      events: { message: string }[];
    };
    expect(kept.events.map((e) => e.message)).toEqual([
      "START RequestId: r2 Version: $LATEST",
      "END RequestId: r2",
      "START RequestId: r3 Version: $LATEST",
      "END RequestId: r3",
    ]);
  });
});
