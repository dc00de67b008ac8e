/**
 * IAM enforcement of the embedded stack (ADR 0025), one role of each kind, with a grant deliberately removed
 * from the synthesized template before the stack starts — as a deploy with that policy would run on AWS:
 * - a Lambda's role: prepare-bill without s3:GetObject on usage/ → the step fails with S3's AccessDenied, the
 *   TaskFailed event carries it, and the cycle ends FAILED through "Tell Party B the bill could not be prepared";
 * - a state machine's role: CalendarCheck without lambda:InvokeFunction → TaskFailed Lambda.AWSLambdaException
 *   whose cause is Lambda's 403 AccessDeniedException (how Step Functions reports a Lambda service error,
 *   "Handle Lambda service exceptions"), and the function never runs;
 * - the Scheduler's role: without states:StartExecution on the kickoff → no kickoff starts; the firing goes to
 *   the schedule's dead-letter queue with ERROR_CODE AccessDeniedException (Scheduler user guide, "Configuring a
 *   dead-letter queue").
 * And enforcement is on by default: an app started without any IAM option refuses a call the role lacks —
 * among them the operator function's delete of a usage file, which only the personal-data function may do
 * (R-RETAIN-1, ADR 0083), and does through its own URL.
 */
import { DeleteObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { afterEach, describe, expect, it } from "vitest";
import { operatorWrite } from "../../bin/ops/_operator-client";
import { awsConfig, s3Client, sfnClient } from "../../functions/adapters/aws-config";
import { auditHistory, registerContract } from "../../functions/adapters/repository";
import { putUsage } from "../../functions/adapters/usage-store";
import { loadContract } from "../../functions/core/contract";
import { type EmbeddedApp, startEmbeddedApp } from "../../infra/local/app";
import { localTemplate } from "../../infra/local/template-cache";
import {
  executionStatus,
  runUntil,
  SAMPLE_CONTRACT,
  startCycle,
  statesEntered,
  uploadSmallMonth,
} from "./harness";

const repoRoot = new URL("../../", import.meta.url).pathname;

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

interface Statement {
  Action: string | string[];
  Resource: unknown;
}
interface PolicyResource {
  Type: string;
  Properties: { PolicyDocument: { Statement: Statement[] }; Roles: { Ref: string }[] };
}

/** The template with the statements `drop` selects removed from the policies of the role `rolePrefix…`. */
function withoutGrant(
  template: Record<string, unknown>,
  rolePrefix: string,
  drop: (statement: Statement) => boolean,
): Record<string, unknown> {
  const copy = structuredClone(template) as { Resources: Record<string, PolicyResource> };
  let dropped = 0;
  for (const resource of Object.values(copy.Resources)) {
    if (resource.Type !== "AWS::IAM::Policy") continue;
    if (!resource.Properties.Roles.some((role) => role.Ref.startsWith(rolePrefix))) continue;
    const statements = resource.Properties.PolicyDocument.Statement;
    const kept = statements.filter((s) => !drop(s));
    dropped += statements.length - kept.length;
    resource.Properties.PolicyDocument.Statement = kept;
  }
  if (dropped === 0) throw new Error(`no statement of ${rolePrefix} was removed`);
  return copy;
}

const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

async function history(a: EmbeddedApp, executionArn: string) {
  return (await a.stepFunctions.getExecutionHistory({ executionArn, maxResults: 10_000 })).events as Array<{
    type: string;
    taskFailedEventDetails?: { error: string; cause: string };
  }>;
}

describe("IAM enforcement, one role of each kind, with a grant removed from the template", () => {
  it("Lambda role: prepare-bill without s3:GetObject fails with AccessDenied in the history; Scheduler role without StartExecution starts no kickoff", async () => {
    const { template } = await localTemplate(repoRoot);
    const stripped = withoutGrant(
      withoutGrant(template, "FunctionspreparebillRole", (s) => actions(s).includes("s3:GetObject")),
      "SchedulerRoleForTarget",
      (s) =>
        actions(s).includes("states:StartExecution") && JSON.stringify(s.Resource).includes("MonthlyKickoff"),
    );
    app = await startEmbeddedApp({
      start: new Date("2025-10-01T00:30:00+08:00"),
      schedule: true,
      iam: { template: stripped },
    });
    const contract = await loadContract(SAMPLE_CONTRACT);
    await registerContract(contract);
    await uploadSmallMonth(contract, "2025-09");
    const executionArn = await startCycle(app, contract.contractId, "2025-09");
    await runUntil(app, "2025-10-01T03:00:00+08:00");

    expect(await executionStatus(app, executionArn)).toBe("FAILED");
    const failed = (await history(app, executionArn)).find((e) => e.type === "TaskFailed");
    expect(failed?.taskFailedEventDetails?.error).toBe("AccessDenied");
    // The first call is the HeadObject asking whether the file is there (ADR 0044): S3's 403 to a HEAD has no
    // body, so the step names it from the status (AccessDenied) and the enforcer's log says which grant was missing.
    expect(failed?.taskFailedEventDetails?.cause).toContain(
      `S3 answered 403 to HeadObject of usage/${contract.contractId}/2025-09/`,
    );
    expect(app.stack.iam?.denials).toContainEqual(
      expect.objectContaining({
        action: "s3:GetObject",
        resource: expect.stringContaining(
          `arn:aws:s3:::contract-ops-usage/usage/${contract.contractId}/2025-09/`,
        ),
        reason: "no-allow",
      }),
    );
    expect(await statesEntered(app, executionArn)).toContain("Tell Party B the bill could not be prepared");

    // The 01:00 firing (2025-09-30T17:00:00Z) was refused: no kickoff, one dead letter.
    const kickoffs = await app.stepFunctions.listExecutions({
      stateMachineArn: app.stateMachineArns.monthlyKickoff,
    });
    expect(kickoffs.executions).toHaveLength(0);
    expect(app.stepFunctions.scheduleDeadLetters).toEqual([
      expect.objectContaining({
        schedule: "ContractOps-MonthlyKickoff",
        scheduledTime: "2025-09-30T17:00:00.000Z",
        errorCode: "AccessDeniedException",
      }),
    ]);
    expect(app.stack.iam?.denials.map((d) => d.action)).toEqual(
      expect.arrayContaining(["s3:GetObject", "states:StartExecution"]),
    );
  });

  it("state machine role: CalendarCheck without lambda:InvokeFunction fails the task with Lambda's 403", async () => {
    const { template } = await localTemplate(repoRoot);
    const stripped = withoutGrant(template, "WorkflowsCalendarCheckRole", (s) =>
      actions(s).includes("lambda:InvokeFunction"),
    );
    let invoked = 0;
    app = await startEmbeddedApp({
      start: new Date("2025-11-01T09:00:00+08:00"),
      iam: { template: stripped },
      wrapLambda: (invoke) => async (arn, payload, context) => {
        invoked += 1;
        return invoke(arn, payload, context);
      },
    });
    const { executionArn } = await app.stepFunctions.startExecution({
      stateMachineArn: app.stateMachineArns.calendarCheck,
      input: JSON.stringify({ scheduledTime: "2025-11-01T01:00:00Z" }),
    });
    await runUntil(app, "2025-11-01T10:00:00+08:00");

    expect(await executionStatus(app, executionArn)).toBe("FAILED");
    const failures = (await history(app, executionArn)).filter((e) => e.type === "TaskFailed");
    // Lambda.AWSLambdaException is one of the transient errors the project retries, so it fails once per attempt.
    expect(failures.length).toBeGreaterThan(1);
    for (const failure of failures) {
      expect(failure.taskFailedEventDetails?.error).toBe("Lambda.AWSLambdaException");
      expect(failure.taskFailedEventDetails?.cause).toMatch(
        /^User: arn:aws:sts::000000000000:assumed-role\/WorkflowsCalendarCheckRole\w+\/\S+ is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:ContractOps-check-calendar-year because no identity-based policy allows the lambda:InvokeFunction action \(Service: AWSLambda; Status Code: 403; Error Code: AccessDeniedException;/,
      );
    }
    expect(invoked).toBe(0);
  });

  it("is on by default: an app started without IAM options refuses a call the function's role lacks", async () => {
    const probe = Symbol("probe");
    app = await startEmbeddedApp({
      start: new Date("2025-10-01T00:30:00+08:00"),
      schedule: false,
      wrapLambda: (invoke) => async (arn, payload, context) =>
        payload === probe
          ? sfnClient().send(
              new StartExecutionCommand({ stateMachineArn: app?.stateMachineArns.renewalWatch, input: "{}" }),
            )
          : invoke(arn, payload, context),
    });
    const sendBill = "arn:aws:lambda:us-east-1:000000000000:function:ContractOps-send-bill";
    const error = await app.stack
      .invokeLambda(sendBill, probe, { functionName: "ContractOps-send-bill", awsRequestId: "probe" })
      .catch((e: Error) => e);
    expect((error as Error).name).toBe("AccessDeniedException");
    expect((error as Error).message).toContain("states:StartExecution on resource: ");
  });

  it("R-RETAIN-1 (ADR 0083): the operator function's role cannot delete a usage file; purge-personal-data runs in its own function, through its own URL", async () => {
    const probe = Symbol("probe");
    const ID = "IAM-PURGE";
    const key = `usage/${ID}/2025-09/voice.csv`;
    app = await startEmbeddedApp({
      start: new Date("2025-10-01T00:30:00+08:00"),
      schedule: false,
      wrapLambda: (invoke) => async (arn, payload, context) =>
        payload === probe
          ? s3Client().send(new DeleteObjectCommand({ Bucket: awsConfig().usageBucket, Key: key }))
          : invoke(arn, payload, context),
    });
    await putUsage(ID, "2025-09", "voice", Buffer.from("call_start,duration_seconds\n"));
    const operatorCommand = "arn:aws:lambda:us-east-1:000000000000:function:ContractOps-operator-command";
    const error = await app.stack
      .invokeLambda(operatorCommand, probe, {
        functionName: "ContractOps-operator-command",
        awsRequestId: "probe",
      })
      .catch((e: Error) => e);
    expect((error as Error).name).toBe("AccessDenied");
    expect(app.stack.iam?.denials).toContainEqual(
      expect.objectContaining({
        action: "s3:DeleteObject",
        resource: `arn:aws:s3:::contract-ops-usage/${key}`,
        reason: "no-allow",
      }),
    );
    // The file is still there.
    await s3Client().send(new HeadObjectCommand({ Bucket: awsConfig().usageBucket, Key: key }));

    // The same deletion as the command, under the same enforcement, through the personal-data function's URL.
    const { result } = await operatorWrite("purge-personal-data", { contractId: ID, through: "2025-09" });
    expect(result.deleted).toEqual([key]);
    const gone = await s3Client()
      .send(new HeadObjectCommand({ Bucket: awsConfig().usageBucket, Key: key }))
      .catch((e: Error) => e);
    expect((gone as Error).name).toBe("NotFound");
    expect((await auditHistory(ID)).filter((e) => e.who === "operator")).toHaveLength(1);
  });
});
