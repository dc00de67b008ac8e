/**
 * The whole embedded stack: the AWS services plus the local Step Functions runtime behind the SFN API,
 * reached through the clients of functions/adapters/aws-config, all on one (virtual) clock.
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetAwsClients, sfnClient } from "../../functions/adapters/aws-config";
import { now } from "../../functions/adapters/clock";
import { PortInUseError } from "../../infra/local/ports";
import type { SesReceiptEvent } from "../../infra/local/services";
import { VirtualClock } from "../../infra/local/sfn";
import { type LocalStack, startLocalStack } from "../../infra/local/stack";

// 2025-09-01 09:30 in Asia/Shanghai: the morning a reconciliation reply could arrive.
const start = new Date("2025-09-01T01:30:00.000Z");
const received: { event: SesReceiptEvent; pendingWork: number }[] = [];
let stack: LocalStack;
const savedEnv = { ...process.env };

beforeAll(async () => {
  const clock = new VirtualClock(start, "virtual");
  stack = await startLocalStack({
    clock,
    onInboundEmail: async (event) => {
      received.push({ event, pendingWork: clock.pendingWork });
    },
  });
  Object.assign(process.env, stack.env);
  resetAwsClients();
});

afterAll(async () => {
  resetAwsClients();
  process.env = savedEnv;
  await stack.stop();
});

describe("startLocalStack", () => {
  it("adds the Step Functions endpoint to the endpoints and the CONTRACT_OPS_* variables", () => {
    expect(stack.endpoints.stepFunctions).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stack.env.CONTRACT_OPS_SFN_ENDPOINT).toBe(stack.endpoints.stepFunctions);
  });

  it("runs a state machine created through @aws-sdk/client-sfn, waiting a day of virtual time", async () => {
    const { stateMachineArn } = await sfnClient().send(
      new CreateStateMachineCommand({
        name: "WaitADay",
        roleArn: "arn:aws:iam::000000000000:role/local",
        definition: JSON.stringify({
          QueryLanguage: "JSONata",
          StartAt: "Wait one day",
          States: {
            "Wait one day": { Type: "Wait", Seconds: 86_400, Next: "Done" },
            Done: { Type: "Succeed" },
          },
        }),
      }),
    );
    const { executionArn } = await sfnClient().send(
      new StartExecutionCommand({ stateMachineArn, name: "first" }),
    );

    await stack.clock.runUntil(new Date(start.getTime() + 2 * 86_400_000));

    const execution = await sfnClient().send(new DescribeExecutionCommand({ executionArn }));
    expect(execution.status).toBe("SUCCEEDED");
    expect(execution.stopDate?.toISOString()).toBe("2025-09-02T01:30:00.000Z");
  });

  it("installs its clock as the process clock, so inbound mail is stamped with virtual time", async () => {
    const clockTime = stack.clock.now().toISOString();
    expect(now().toISOString()).toBe(clockTime);
    const transport = nodemailer.createTransport({ ...stack.endpoints.smtp, secure: false });
    try {
      await transport.sendMail({ from: "contact@party-a.example", to: "k@reply.localhost", text: "确认" });
    } finally {
      transport.close();
    }

    expect(received).toHaveLength(1);
    expect(received[0]?.event.Records[0]?.ses.mail.timestamp).toBe(clockTime);
    // The delivery is tracked work: the clock could not jump while the handler ran.
    expect(received[0]?.pendingWork).toBeGreaterThan(0);
  });

  it("reports a taken Step Functions port by name", async () => {
    const takenPort = Number(new URL(stack.endpoints.stepFunctions).port);
    await expect(
      startLocalStack({ clock: stack.clock, ports: { stepFunctions: takenPort } }),
    ).rejects.toBeInstanceOf(PortInUseError);
    // A failed start leaves the process clock with the running stack.
    expect(now().toISOString()).toBe(stack.clock.now().toISOString());
  });
});
