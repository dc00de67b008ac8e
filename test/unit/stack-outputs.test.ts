/**
 * bin/stack-outputs.ts against DescribeStacks answers in the shape the CloudFormation API reference records
 * (API_DescribeStacks, "Examples": the DescribeStacksResponse XML with Stacks/member/Outputs/member; a stack
 * that does not exist is a 400 ValidationError "Stack with id … does not exist"), served over HTTP so the real
 * @aws-sdk/client-cloudformation parses them.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outputsToEnv, readStackOutputs, StackOutputsError, stackNameOf } from "../../bin/stack-outputs";

const member = (key: string, value: string) =>
  `<member><OutputKey>${key}</OutputKey><OutputValue>${value}</OutputValue></member>`;

function describeStacksXml(stackName: string, outputs: string): string {
  return `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
  <DescribeStacksResult>
    <Stacks>
      <member>
        <StackName>${stackName}</StackName>
        <StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/${stackName}/aaf549a0-a413-11df-adb3-5081b3858e83</StackId>
        <CreationTime>2025-07-27T22:28:28Z</CreationTime>
        <StackStatus>UPDATE_COMPLETE</StackStatus>
        <DisableRollback>false</DisableRollback>
        <Outputs>${outputs}</Outputs>
      </member>
    </Stacks>
  </DescribeStacksResult>
  <ResponseMetadata><RequestId>b9b4b068-3a41-11e5-94eb-example</RequestId></ResponseMetadata>
</DescribeStacksResponse>`;
}

const validationError = (
  stackName: string,
) => `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
  <Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${stackName} does not exist</Message></Error>
  <RequestId>c5c2a4f1-3a41-11e5-94eb-example</RequestId>
</ErrorResponse>`;

const FULL = [
  member("TableName", "ContractOps-DataTableFDBAD0F2-1XYZ"),
  member("UsageBucket", "contractops-bucketsusage7d151cde-abc"),
  member("InboundMailBucket", "contractops-bucketsinboundmail-def"),
  member("MailFrom", "billing@ops.example.cn"),
  member("ReplyDomain", "reply.ops.example.cn"),
  member("MonthlyCycleArn", "arn:aws:states:us-east-1:123456789012:stateMachine:ContractOps-MonthlyCycle"),
  member("RenewalWatchArn", "arn:aws:states:us-east-1:123456789012:stateMachine:ContractOps-RenewalWatch"),
  member(
    "ObligationClockArn",
    "arn:aws:states:us-east-1:123456789012:stateMachine:ContractOps-ObligationClock",
  ),
  member("AlarmTopicArn", "arn:aws:sns:us-east-1:123456789012:ContractOps-Alarms"),
].join("");

/** What the fixture server answers per requested stack name. */
const stacks: Record<string, string> = {
  ContractOps: describeStacksXml("ContractOps", FULL),
  "ContractOps-Staging": describeStacksXml(
    "ContractOps-Staging",
    `${FULL}${member("OperatorFunctionUrl", "https://abc.lambda-url.us-east-1.on.aws/")}`,
  ),
  Partial: describeStacksXml("Partial", member("TableName", "t")),
};

let server: Server;
let endpoint: string;
const requested: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
    });
    req.on("end", () => {
      const name = new URLSearchParams(body).get("StackName") ?? "";
      requested.push(name);
      const xml = stacks[name];
      res.writeHead(xml ? 200 : 400, { "content-type": "text/xml" });
      res.end(xml ?? validationError(name));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const client = () =>
  new CloudFormationClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    maxAttempts: 1,
  });

describe("stack outputs for ops --profile and console --profile", () => {
  it("reads the default stack's outputs into the variables the CLI reads", async () => {
    const read = await readStackOutputs({}, client());
    expect(requested.at(-1)).toBe("ContractOps");
    expect(read.stackStatus).toBe("UPDATE_COMPLETE");
    expect(outputsToEnv(read.outputs)).toEqual({
      CONTRACT_OPS_TABLE: "ContractOps-DataTableFDBAD0F2-1XYZ",
      CONTRACT_OPS_USAGE_BUCKET: "contractops-bucketsusage7d151cde-abc",
      CONTRACT_OPS_MAIL_BUCKET: "contractops-bucketsinboundmail-def",
      CONTRACT_OPS_MAIL_FROM: "billing@ops.example.cn",
      CONTRACT_OPS_REPLY_DOMAIN: "reply.ops.example.cn",
      MONTHLY_CYCLE_ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:ContractOps-MonthlyCycle",
      RENEWAL_WATCH_ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:ContractOps-RenewalWatch",
      OBLIGATION_CLOCK_ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:ContractOps-ObligationClock",
    });
  });

  it("reads the stack --stack names, with the operator function URL when the stack has one", async () => {
    const read = await readStackOutputs({ stack: "ContractOps-Staging" }, client());
    expect(requested.at(-1)).toBe("ContractOps-Staging");
    expect(outputsToEnv(read.outputs).CONTRACT_OPS_OPERATOR_URL).toBe(
      "https://abc.lambda-url.us-east-1.on.aws/",
    );
  });

  it("names the stack by --stack, then CONTRACT_OPS_STACK, then the CDK stack name", () => {
    expect(stackNameOf({ stack: "A" }, { CONTRACT_OPS_STACK: "B" })).toBe("A");
    expect(stackNameOf({}, { CONTRACT_OPS_STACK: "B" })).toBe("B");
    expect(stackNameOf({}, {})).toBe("ContractOps");
  });

  it("rejects a stack that does not exist with one line naming it and the ValidationError", async () => {
    const error = await readStackOutputs({ stack: "Nope" }, client()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StackOutputsError);
    expect((error as Error).message).toContain("stack Nope");
    expect((error as Error).message).toContain("ValidationError: Stack with id Nope does not exist");
    expect((error as Error).message).not.toContain("\n");
  });

  it("rejects a stack without the outputs the CLI needs, naming them", async () => {
    const error = await readStackOutputs({ stack: "Partial" }, client()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StackOutputsError);
    expect((error as Error).message).toContain("outputs UsageBucket, RenewalWatchArn missing");
  });
});
