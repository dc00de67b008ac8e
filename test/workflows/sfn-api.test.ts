/**
 * Integration: the local runtime's Step Functions API over HTTP (AWS JSON 1.0), driven by the real
 * @aws-sdk/client-sfn with an endpoint override. Behaviour from the Step Functions API reference:
 * StartExecution idempotency (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html),
 * GetExecutionHistory / HistoryEvent (https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html).
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStepFunctionsApi } from "../../infra/local/sfn/http-api";
import { harness, machine, START } from "../fixtures/sfn/harness";

const definition = machine({
  "Send the bill": {
    Type: "Task",
    Resource: "arn:aws:states:::lambda:invoke",
    Arguments: { FunctionName: "send-bill", Payload: "{% $states.input %}" },
    Output: "{% $states.result.Payload %}",
    Next: "Await reconciliation reply",
  },
  "Await reconciliation reply": {
    Type: "Task",
    Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
    Arguments: { FunctionName: "await-reply", Payload: { taskToken: "{% $states.context.Task.Token %}" } },
    TimeoutSeconds: 1296000,
    End: true,
  },
});

describe("Step Functions HTTP API through @aws-sdk/client-sfn", () => {
  let client: SFNClient;
  let stop: () => Promise<void>;
  const h = harness({
    "send-bill": async (p) => ({ ...p, sent: true }),
    // The Lambda answers its own token over HTTP, as a handler using the SDK would.
    "await-reply": async (p) => {
      await client.send(
        new SendTaskSuccessCommand({
          taskToken: p.taskToken,
          output: JSON.stringify({ outcome: "confirmed" }),
        }),
      );
      return null;
    },
  });

  beforeAll(async () => {
    const api = await startStepFunctionsApi(h.runtime, { port: 0 });
    stop = api.stop;
    client = new SFNClient({
      endpoint: api.endpoint,
      region: "ap-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
  });
  afterAll(async () => {
    client.destroy();
    await stop();
  });

  it("creates, lists, starts (idempotently), describes and lists executions", async () => {
    const created = await client.send(
      new CreateStateMachineCommand({
        name: "MonthlyCycle",
        definition: JSON.stringify(definition),
        roleArn: "arn:aws:iam::123456789012:role/sfn",
      }),
    );
    expect(created.stateMachineArn).toBe("arn:aws:states:ap-east-1:123456789012:stateMachine:MonthlyCycle");
    expect(created.creationDate).toBeInstanceOf(Date);
    const listed = await client.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines?.map((m) => m.name)).toContain("MonthlyCycle");

    const input = JSON.stringify({ contractId: "C1", period: "2026-01" });
    const first = await client.send(
      new StartExecutionCommand({ stateMachineArn: created.stateMachineArn, name: "C1-2026-01", input }),
    );
    const again = await client.send(
      new StartExecutionCommand({ stateMachineArn: created.stateMachineArn, name: "C1-2026-01", input }),
    );
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate?.getTime()).toBe(first.startDate?.getTime());
    await expect(
      client.send(
        new StartExecutionCommand({
          stateMachineArn: created.stateMachineArn,
          name: "C1-2026-01",
          input: "{}",
        }),
      ),
    ).rejects.toMatchObject({ name: "ExecutionAlreadyExists" });

    await h.runtime.runExecutionToCompletion(
      first.executionArn as string,
      new Date(START.getTime() + 86_400_000),
    );
    const described = await client.send(new DescribeExecutionCommand({ executionArn: first.executionArn }));
    expect(described).toMatchObject({
      status: "SUCCEEDED",
      name: "C1-2026-01",
      input,
      output: '{"outcome":"confirmed"}',
    });
    expect(described.startDate?.toISOString()).toBe(START.toISOString());

    // Closed execution: the same name is no longer idempotent.
    await expect(
      client.send(
        new StartExecutionCommand({ stateMachineArn: created.stateMachineArn, name: "C1-2026-01", input }),
      ),
    ).rejects.toMatchObject({ name: "ExecutionAlreadyExists" });

    const executions = await client.send(
      new ListExecutionsCommand({ stateMachineArn: created.stateMachineArn, statusFilter: "SUCCEEDED" }),
    );
    expect(executions.executions?.map((e) => e.name)).toEqual(["C1-2026-01"]);
  });

  it("returns the history with AWS event types and details, paginated", async () => {
    const [execution] =
      (
        await client.send(
          new ListExecutionsCommand({
            stateMachineArn: "arn:aws:states:ap-east-1:123456789012:stateMachine:MonthlyCycle",
          }),
        )
      ).executions ?? [];
    const page1 = await client.send(
      new GetExecutionHistoryCommand({ executionArn: execution?.executionArn, maxResults: 5 }),
    );
    expect(page1.events).toHaveLength(5);
    expect(page1.nextToken).toBeTruthy();
    const page2 = await client.send(
      new GetExecutionHistoryCommand({ executionArn: execution?.executionArn, nextToken: page1.nextToken }),
    );
    const events = [...(page1.events ?? []), ...(page2.events ?? [])];
    expect(events.map((e) => e.type)).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSucceeded",
      "TaskStateExited",
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSubmitted",
      "TaskSucceeded",
      "TaskStateExited",
      "ExecutionSucceeded",
    ]);
    expect(events[0]?.timestamp).toBeInstanceOf(Date);
    expect(events[1]?.stateEnteredEventDetails?.name).toBe("Send the bill");
    expect(events[7]?.taskScheduledEventDetails).toMatchObject({
      resourceType: "lambda",
      resource: "invoke.waitForTaskToken",
      region: "ap-east-1",
      timeoutInSeconds: 1296000,
    });
    expect(events[12]?.executionSucceededEventDetails?.output).toBe('{"outcome":"confirmed"}');
  });

  it("stops a running execution and answers AWS error codes", async () => {
    const { stateMachineArn } = await client.send(
      new CreateStateMachineCommand({
        name: "Sleeper",
        definition: JSON.stringify(machine({ W: { Type: "Wait", Seconds: 999999, End: true } })),
        roleArn: "arn:aws:iam::123456789012:role/sfn",
      }),
    );
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, name: "s1" }));
    const stopped = await client.send(new StopExecutionCommand({ executionArn, cause: "test" }));
    expect(stopped.stopDate).toBeInstanceOf(Date);
    expect((await client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe("ABORTED");
    await expect(
      client.send(new DescribeExecutionCommand({ executionArn: `${executionArn}-nope` })),
    ).rejects.toMatchObject({
      name: "ExecutionDoesNotExist",
    });
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: "garbage", output: "{}" })),
    ).rejects.toMatchObject({ name: "InvalidToken" });
    await expect(
      client.send(
        new CreateStateMachineCommand({
          name: "Bad",
          definition: JSON.stringify(machine({ P: { Type: "Pass", Parameters: {}, End: true } })),
          roleArn: "arn:aws:iam::123456789012:role/sfn",
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidDefinition" });
  });
});

describe("names (API reference, StartExecution name)", () => {
  it("accepts AWS-valid execution names and rejects whitespace, brackets, wildcards and specials", async () => {
    const h = harness();
    const { stateMachineArn } = await h.runtime.createStateMachine({
      name: "Names",
      definition: JSON.stringify(machine({ P: { Type: "Pass", End: true } })),
    });
    for (const name of ["C1.2026-01", "合同-2026-01", "a_b"]) {
      await expect(h.runtime.startExecution({ stateMachineArn, name })).resolves.toMatchObject({
        executionArn: expect.stringContaining(name),
      });
    }
    for (const name of ["has space", "a/b", "a:b", "x*", "[x]", "", "n".repeat(81)]) {
      await expect(h.runtime.startExecution({ stateMachineArn, name })).rejects.toMatchObject({
        name: "InvalidName",
      });
    }
  });
});
