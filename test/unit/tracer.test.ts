/**
 * X-Ray tracing with the Powertools Tracer (ADR 0046): every SDK client aws-config.ts builds is captured on
 * Lambda and left alone elsewhere; an invocation's subsegment is annotated with the contract and period and
 * carries neither the handler's response nor its error; a failed SDK call's message reaches X-Ray masked
 * while the caller sees it unchanged.
 *
 * Oracles: aws-xray-sdk-core's documented SDK v3 instrumentation (the `XRaySDKInstrumentation` middleware
 * of `captureAWSv3Client`), Powertools' documented switches (AWS_EXECUTION_ENV, POWERTOOLS_TRACE_ENABLED,
 * POWERTOOLS_TRACER_CAPTURE_RESPONSE/ERROR), SES's sandbox rejection (the embedded SES emulator in sandbox
 * mode answers as the SES Developer Guide describes), and the masks written out by hand.
 */
import { SendEmailCommand } from "@aws-sdk/client-ses";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as z from "zod";

const EMAIL = "wang.li@jl.chinamobile.com";
const MASKED_EMAIL = "w***@jl.chinamobile.com";

/** What Lambda sets for a Node.js 22 function (Lambda Developer Guide, "Defined runtime environment variables"). */
const ON_LAMBDA = { AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x", _HANDLER: "index.handler" };

/** infra/constructs/contract-function.ts TRACER_ENVIRONMENT, as the template gives every function. */
const FUNCTION_ENVIRONMENT = {
  POWERTOOLS_TRACER_CAPTURE_RESPONSE: "false",
  POWERTOOLS_TRACER_CAPTURE_ERROR: "false",
};

const XRAY_MIDDLEWARE = "XRaySDKInstrumentation";

function stubEnvironment(variables: Record<string, string>): void {
  for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
}

beforeEach(() => {
  vi.resetModules();
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** Every client aws-config.ts makes, built from a configuration with the given environment. */
async function allClients() {
  const config = await import("../../functions/adapters/aws-config");
  const settings = config.loadAwsConfig({});
  const dynamoDb = config.makeDynamoDbClient(settings);
  return {
    dynamoDb,
    document: config.makeDocumentClient(dynamoDb),
    s3: config.makeS3Client(settings),
    ses: config.makeSesClient(settings),
    sfn: config.makeSfnClient(settings),
  };
}

/** X-Ray's own segment and context, as Lambda's facade segment would be. */
async function underSegment<T>(body: () => Promise<T>) {
  const xray = (await import("aws-xray-sdk-core")).default;
  // Lambda's mode, whatever an earlier test of this process loaded the X-Ray SDK in.
  xray.enableAutomaticMode();
  const segment = new xray.Segment("contract-ops-test");
  const result = await xray.getNamespace().runPromise(async () => {
    xray.setSegment(segment);
    return body().then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
  });
  return { segment, result };
}

const subsegmentSchema = z.object({
  name: z.string(),
  error: z.boolean().optional(),
  annotations: z.record(z.string(), z.unknown()).optional(),
  metadata: z.unknown().optional(),
  cause: z
    .object({ exceptions: z.array(z.object({ message: z.string(), type: z.string().optional() })) })
    .optional(),
});
const recorded = (segment: { subsegments?: unknown[] }) =>
  z.array(subsegmentSchema).parse(JSON.parse(JSON.stringify(segment.subsegments ?? [])));

describe("SDK clients (aws-config.ts) under the Tracer", () => {
  it("on Lambda, every client gets X-Ray's middleware, the document client through its DynamoDB client", async () => {
    stubEnvironment({ ...ON_LAMBDA, ...FUNCTION_ENVIRONMENT });
    const clients = await allClients();
    for (const [name, client] of Object.entries(clients)) {
      const middleware = client.middlewareStack.identify().join("\n");
      expect(middleware, name).toContain(XRAY_MIDDLEWARE);
    }
  });

  it("outside Lambda (the embedded stack, the CLI) no client is touched, and X-Ray starts without its async hook", async () => {
    vi.stubEnv("AWS_EXECUTION_ENV", "");
    // Restored after the test: xray-mode.ts sets it for the process.
    vi.stubEnv("AWS_XRAY_MANUAL_MODE", undefined);
    const clients = await allClients();
    for (const [name, client] of Object.entries(clients))
      expect(client.middlewareStack.identify().join("\n"), name).not.toContain(XRAY_MIDDLEWARE);
    expect(process.env.AWS_XRAY_MANUAL_MODE).toBe("true");
  });

  it("POWERTOOLS_TRACE_ENABLED=false turns tracing off on Lambda too", async () => {
    stubEnvironment({ ...ON_LAMBDA, POWERTOOLS_TRACE_ENABLED: "false" });
    const clients = await allClients();
    for (const [name, client] of Object.entries(clients))
      expect(client.middlewareStack.identify().join("\n"), name).not.toContain(XRAY_MIDDLEWARE);
  });

  it("a call SES refuses is a subsegment whose message names the address masked; the caller gets it whole", async () => {
    stubEnvironment({ ...ON_LAMBDA, ...FUNCTION_ENVIRONMENT });
    const { startSesLocal } = await import("../../infra/local/ses-local");
    const ses = await startSesLocal({
      port: 0,
      sandbox: { verifiedIdentities: ["contract-ops.localhost"] },
    });
    try {
      const config = await import("../../functions/adapters/aws-config");
      const client = config.makeSesClient(config.loadAwsConfig({ CONTRACT_OPS_SES_ENDPOINT: ses.endpoint }));
      const send = () =>
        client.send(
          new SendEmailCommand({
            Source: "billing@contract-ops.localhost",
            Destination: { ToAddresses: [EMAIL] },
            Message: { Subject: { Data: "账单" }, Body: { Text: { Data: "账单" } } },
          }),
        );
      const { segment, result } = await underSegment(send);
      client.destroy();

      expect(result).toHaveProperty("error");
      const error = "error" in result ? result.error : undefined;
      expect(error).toBeInstanceOf(Error);
      expect(error instanceof Error ? error.name : "").toBe("MessageRejected");
      expect(error instanceof Error ? error.message : "").toContain(EMAIL);

      const [call] = recorded(segment);
      expect(call?.name).toBe("SES");
      expect(call?.error).toBe(true);
      const messages = call?.cause?.exceptions.map((exception) => exception.message) ?? [];
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain(MASKED_EMAIL);
      expect(JSON.stringify(segment)).not.toContain(EMAIL);
    } finally {
      await ses.close();
    }
  });
});

describe("an invocation's subsegment (handler kit)", () => {
  /** The sample context of the Lambda Developer Guide ("Using the Lambda context object"). */
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: "ContractOps-send-bill",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:ContractOps-send-bill",
    memoryLimitInMB: "512",
    awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
    logGroupName: "/aws/lambda/ContractOps-send-bill",
    logStreamName: "2016/09/14/[$LATEST]1234567890abcdef",
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };

  beforeEach(() => {
    stubEnvironment(ON_LAMBDA);
    // The handler kit logs a failed invocation; the line is not what this test reads.
    for (const stream of [process.stdout, process.stderr])
      vi.spyOn(stream, "write").mockImplementation(() => true);
  });

  it("is annotated with contractId and period, and the response (a contact's address) is not metadata", async () => {
    // Without the function's POWERTOOLS_TRACER_CAPTURE_RESPONSE=false: the handler kit itself asks for no response.
    const { lambdaHandler } = await import("../../functions/handler-kit");
    const handler = lambdaHandler(
      "probe",
      z.object({ contractId: z.string(), period: z.string() }),
      async () => ({ sentTo: EMAIL }),
    );
    const { segment, result } = await underSegment(() =>
      handler({ contractId: "jl-ybj-2026", period: "2026-03" }, context),
    );

    expect(result).toEqual({ value: { sentTo: EMAIL } });
    const [invocation] = recorded(segment);
    expect(invocation?.name).toBe("## index.handler");
    expect(invocation?.annotations).toMatchObject({
      contractId: "jl-ybj-2026",
      period: "2026-03",
      Service: "contract-ops",
    });
    expect(invocation?.metadata).toBeUndefined();
    expect(JSON.stringify(segment)).not.toContain(EMAIL);
  });

  it("a failed invocation flags the subsegment without recording the error's message", async () => {
    stubEnvironment(FUNCTION_ENVIRONMENT);
    const { lambdaHandler } = await import("../../functions/handler-kit");
    const handler = lambdaHandler("probe", z.object({ contractId: z.string() }), async () => {
      throw new Error(`Email address is not verified: ${EMAIL}`);
    });
    const { segment, result } = await underSegment(() => handler({ contractId: "jl-ybj-2026" }, context));

    expect(result).toHaveProperty("error");
    const [invocation] = recorded(segment);
    expect(invocation?.error).toBe(true);
    expect(invocation?.cause).toBeUndefined();
    expect(JSON.stringify(segment)).not.toContain(EMAIL);
  });
});
