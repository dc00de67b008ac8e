/**
 * Stopping the embedded stack while a Lambda task is still running: the task finishes against live
 * services first (nothing writes into a closed database, no unhandled error after a test ends).
 */
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, describe, expect, it } from "vitest";
import { dynamoDbClient, resetAwsClients } from "../../functions/adapters/aws-config";
import { VirtualClock } from "../../infra/local/sfn";
import { startLocalStack } from "../../infra/local/stack";

const savedEnv = { ...process.env };
afterAll(() => {
  resetAwsClients();
  process.env = savedEnv;
});

describe("startLocalStack stop()", () => {
  it("waits for in-flight Lambda work before closing the services", async () => {
    let taskError: unknown;
    let taskDone = false;
    const stack = await startLocalStack({
      clock: new VirtualClock(new Date("2025-09-01T01:00:00Z")),
      invokeLambda: async () => {
        try {
          // Real milliseconds of work, then a write: like a handler mid-flight when a test ends.
          await new Promise((resolve) => setTimeout(resolve, 50));
          await dynamoDbClient().send(
            new PutItemCommand({
              TableName: stack.env.CONTRACT_OPS_TABLE,
              Item: { PK: { S: "probe" }, SK: { S: "probe" } },
            }),
          );
          taskDone = true;
        } catch (error) {
          taskError = error;
        }
        return {};
      },
    });
    Object.assign(process.env, stack.env);
    resetAwsClients();
    const { stateMachineArn } = await stack.stepFunctions.createStateMachine({
      name: "OneTask",
      definition: JSON.stringify({
        QueryLanguage: "JSONata",
        StartAt: "Work",
        States: {
          Work: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:000000000000:function:work", End: true },
        },
      }),
    });
    await stack.stepFunctions.startExecution({ stateMachineArn, input: "{}" });
    await stack.stop();
    expect(taskError).toBeUndefined();
    expect(taskDone).toBe(true);
  });
});
