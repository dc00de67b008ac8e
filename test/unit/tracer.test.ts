/**
 * X-Ray tracing written by functions/adapters/tracer.ts (ADR 0082): on Lambda, every SDK client aws-config.ts
 * builds records its calls, elsewhere none is touched; an invocation sends the daemon its subsegment under
 * Lambda's segment, annotated with the contract and period, without the handler's response or error; a
 * failed SDK call's message reaches X-Ray masked while the caller sees it unchanged.
 *
 * Oracles: the X-Ray Developer Guide ("X-Ray segment documents": the fields of a subsegment sent on its own;
 * "Sending segment documents to the X-Ray daemon": a JSON header line, then the document, over UDP), the
 * trace header Lambda sets (Lambda Developer Guide, "Defined runtime environment variables", its example
 * value), SES's sandbox rejection (the embedded SES emulator in sandbox mode answers as the SES Developer
 * Guide describes), and the masks written out by hand.
 */
import { createSocket } from "node:dgram";
import { SendEmailCommand } from "@aws-sdk/client-ses";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as z from "zod";

const EMAIL = "wang.li@jl.chinamobile.com";
const MASKED_EMAIL = "w***@jl.chinamobile.com";

/** What Lambda sets for a Node.js 22 function (Lambda Developer Guide, "Defined runtime environment variables"). */
const ON_LAMBDA = { AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x", _HANDLER: "index.handler" };
const TRACE_ROOT = "1-5759e988-bd862e3fe1be46a994272793";
const LAMBDA_SEGMENT = "53995c3f42cd8ad8";
const SAMPLED = `Root=${TRACE_ROOT};Parent=${LAMBDA_SEGMENT};Sampled=1`;

const TRACING_MIDDLEWARE = "ContractOpsXRaySubsegment";

/** A subsegment sent on its own, as the X-Ray Developer Guide lists its required fields. */
const subsegmentSchema = z.object({
  type: z.literal("subsegment"),
  id: z.string().regex(/^[0-9a-f]{16}$/),
  trace_id: z.string(),
  parent_id: z.string(),
  name: z.string(),
  start_time: z.number(),
  end_time: z.number(),
  namespace: z.literal("aws").optional(),
  annotations: z.record(z.string(), z.unknown()).optional(),
  metadata: z.unknown().optional(),
  aws: z.record(z.string(), z.unknown()).optional(),
  http: z.object({ response: z.object({ status: z.number() }) }).optional(),
  error: z.boolean().optional(),
  fault: z.boolean().optional(),
  cause: z
    .object({ exceptions: z.array(z.object({ message: z.string(), type: z.string(), remote: z.boolean() })) })
    .optional(),
});
type Subsegment = z.infer<typeof subsegmentSchema>;

/** A UDP socket standing in for the X-Ray daemon: every datagram, checked against the daemon protocol. */
async function startDaemon() {
  const socket = createSocket("udp4");
  const received: { raw: string; document: Subsegment }[] = [];
  const waiting: { name: string; resolve: (document: Subsegment) => void }[] = [];
  const counting: { count: number; resolve: () => void }[] = [];
  socket.on("message", (datagram) => {
    const raw = datagram.toString("utf8");
    const newline = raw.indexOf("\n");
    expect(JSON.parse(raw.slice(0, newline))).toEqual({ format: "json", version: 1 });
    const document = subsegmentSchema.parse(JSON.parse(raw.slice(newline + 1)));
    received.push({ raw, document });
    for (const waiter of waiting.filter((candidate) => candidate.name === document.name))
      waiter.resolve(document);
    for (const waiter of counting.filter((candidate) => candidate.count <= received.length)) waiter.resolve();
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    received,
    /** The next subsegment of this name, or one already received. */
    subsegment: (name: string) =>
      new Promise<Subsegment>((resolve) => {
        const done = received.find((entry) => entry.document.name === name);
        if (done) resolve(done.document);
        else waiting.push({ name, resolve });
      }),
    /** Resolves once `count` datagrams have arrived. */
    atLeast: (count: number) =>
      new Promise<void>((resolve) => {
        if (received.length >= count) resolve();
        else counting.push({ count, resolve });
      }),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

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

describe("SDK clients (aws-config.ts)", () => {
  it("on Lambda, every client records its calls, the document client through its DynamoDB client", async () => {
    stubEnvironment(ON_LAMBDA);
    const clients = await allClients();
    for (const [name, client] of Object.entries(clients)) {
      expect(client.middlewareStack.identify().join("\n"), name).toContain(TRACING_MIDDLEWARE);
    }
  });

  it("outside Lambda (the embedded stack, the CLI) no client is touched", async () => {
    vi.stubEnv("AWS_EXECUTION_ENV", "");
    const clients = await allClients();
    for (const [name, client] of Object.entries(clients))
      expect(client.middlewareStack.identify().join("\n"), name).not.toContain(TRACING_MIDDLEWARE);
  });

  it("POWERTOOLS_TRACE_ENABLED=false turns tracing off on Lambda too", async () => {
    stubEnvironment({ ...ON_LAMBDA, POWERTOOLS_TRACE_ENABLED: "false" });
    const clients = await allClients();
    for (const [name, client] of Object.entries(clients))
      expect(client.middlewareStack.identify().join("\n"), name).not.toContain(TRACING_MIDDLEWARE);
  });
});

describe("an invocation's subsegments (handler kit)", () => {
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
  let daemon: Awaited<ReturnType<typeof startDaemon>>;

  beforeEach(async () => {
    daemon = await startDaemon();
    stubEnvironment({ ...ON_LAMBDA, AWS_XRAY_DAEMON_ADDRESS: daemon.address, _X_AMZN_TRACE_ID: SAMPLED });
    // The handler kit logs a failed invocation; the line is not what these tests read.
    for (const stream of [process.stdout, process.stderr])
      vi.spyOn(stream, "write").mockImplementation(() => true);
  });

  afterEach(async () => {
    await daemon.close();
  });

  it("sends one under Lambda's segment, annotated with contractId, period and the cold start, without the response", async () => {
    const { lambdaHandler } = await import("../../functions/handler-kit");
    const handler = lambdaHandler(
      "probe",
      z.object({ contractId: z.string(), period: z.string() }),
      async () => ({ sentTo: EMAIL }),
    );

    expect(await handler({ contractId: "jl-ybj-2026", period: "2026-03" }, context)).toEqual({
      sentTo: EMAIL,
    });
    const invocation = await daemon.subsegment("## index.handler");
    expect(invocation).toMatchObject({
      trace_id: TRACE_ROOT,
      parent_id: LAMBDA_SEGMENT,
      annotations: { contractId: "jl-ybj-2026", period: "2026-03", Service: "contract-ops", ColdStart: true },
    });
    expect(invocation.end_time).toBeGreaterThanOrEqual(invocation.start_time);
    expect(invocation.error).toBeUndefined();
    expect(invocation.metadata).toBeUndefined();
    expect(daemon.received.map((entry) => entry.raw).join("")).not.toContain(EMAIL);

    // The same process's next invocation is warm.
    await handler({ contractId: "jl-ybj-2026", period: "2026-04" }, context);
    await daemon.atLeast(2);
    const warm = daemon.received[1]?.document;
    expect(warm?.annotations).toMatchObject({ period: "2026-04", ColdStart: false });
    expect(warm?.id).not.toBe(invocation.id);
  });

  it("a failed invocation flags its subsegment without recording the error's message", async () => {
    const { lambdaHandler } = await import("../../functions/handler-kit");
    const handler = lambdaHandler("probe", z.object({ contractId: z.string() }), async () => {
      throw new Error(`Email address is not verified: ${EMAIL}`);
    });

    await expect(handler({ contractId: "jl-ybj-2026" }, context)).rejects.toThrow(EMAIL);
    const invocation = await daemon.subsegment("## index.handler");
    expect(invocation.error).toBe(true);
    expect(invocation.cause).toBeUndefined();
    expect(daemon.received.map((entry) => entry.raw).join("")).not.toContain(EMAIL);
  });

  it("a daemon address that cannot be used loses the trace, not the invocation", async () => {
    vi.stubEnv("AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:not-a-port");
    const { lambdaHandler } = await import("../../functions/handler-kit");
    const handler = lambdaHandler("probe", z.object({ period: z.string() }), async () => "done");
    expect(await handler({ period: "2026-03" }, context)).toBe("done");
  });

  it("an invocation Lambda did not sample sends nothing", async () => {
    const { lambdaHandler } = await import("../../functions/handler-kit");
    const handler = lambdaHandler("probe", z.object({ period: z.string() }), async () => "done");
    vi.stubEnv(
      "_X_AMZN_TRACE_ID",
      `Root=1-5759e988-00000000000000000000000a;Parent=${LAMBDA_SEGMENT};Sampled=0`,
    );
    await handler({ period: "2026-03" }, context);
    vi.stubEnv("_X_AMZN_TRACE_ID", SAMPLED);
    await handler({ period: "2026-04" }, context);

    // Datagrams on the loopback arrive in the order sent: the sampled invocation's is the first.
    const sampled = await daemon.subsegment("## index.handler");
    expect(sampled.annotations).toMatchObject({ period: "2026-04" });
    expect(daemon.received.map((entry) => entry.document.trace_id)).toEqual([TRACE_ROOT]);
  });

  it("an SDK call SES refuses is a subsegment of the invocation, its message masked; the caller gets it whole", async () => {
    const { startSesLocal } = await import("../../infra/local/ses-local");
    const ses = await startSesLocal({ port: 0, sandbox: { verifiedIdentities: ["contract-ops.localhost"] } });
    try {
      const config = await import("../../functions/adapters/aws-config");
      const client = config.makeSesClient(config.loadAwsConfig({ CONTRACT_OPS_SES_ENDPOINT: ses.endpoint }));
      const traceHeaders: string[] = [];
      client.middlewareStack.add(
        (next) => async (args) => {
          const { request } = args;
          if (typeof request === "object" && request !== null && "headers" in request) {
            const headers = z.record(z.string(), z.string()).parse(request.headers);
            traceHeaders.push(headers["X-Amzn-Trace-Id"] ?? "none");
          }
          return next(args);
        },
        { step: "finalizeRequest", name: "probeTraceHeader" },
      );
      const { lambdaHandler } = await import("../../functions/handler-kit");
      const handler = lambdaHandler("probe", z.object({ contractId: z.string() }), () =>
        client.send(
          new SendEmailCommand({
            Source: "billing@contract-ops.localhost",
            Destination: { ToAddresses: [EMAIL] },
            Message: { Subject: { Data: "账单" }, Body: { Text: { Data: "账单" } } },
          }),
        ),
      );

      const failure = await handler({ contractId: "jl-ybj-2026" }, context).then(
        () => undefined,
        (error: unknown) => error,
      );
      client.destroy();
      expect(failure).toBeInstanceOf(Error);
      expect(failure instanceof Error ? failure.name : "").toBe("MessageRejected");
      expect(failure instanceof Error ? failure.message : "").toContain(EMAIL);

      const invocation = await daemon.subsegment("## index.handler");
      const call = await daemon.subsegment("SES");
      expect(call).toMatchObject({
        trace_id: TRACE_ROOT,
        parent_id: invocation.id,
        namespace: "aws",
        aws: { operation: "SendEmail" },
        error: true,
      });
      const messages = call.cause?.exceptions.map((exception) => exception.message) ?? [];
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain(MASKED_EMAIL);
      expect(call.cause?.exceptions[0]).toMatchObject({ type: "MessageRejected", remote: true });
      expect(daemon.received.map((entry) => entry.raw).join("")).not.toContain(EMAIL);
      // The request carried the call's trace header, so SES's side of the call joins the trace.
      expect(traceHeaders).toContain(`Root=${TRACE_ROOT};Parent=${call.id};Sampled=1`);
    } finally {
      await ses.close();
    }
  });
});
