/**
 * What a handler writes for CloudWatch (Powertools Logger and Metrics through the handler kit's middy
 * middleware): JSON lines with the Lambda context and the correlation keys, personal data masked by
 * core/mask.ts; metrics in Embedded Metric Format; the inbound event checked with the Powertools SES schema.
 *
 * Oracles: the EMF specification (CloudWatch User Guide, "Specification: Embedded metric format"), the
 * sample Lambda context of the Lambda Developer Guide ("Using the Lambda context object"), the sample SES
 * event of the SES Developer Guide (test/fixtures/ses), and the masks written out by hand.
 */
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as z from "zod";

const PHONE = "13234444644";
const EMAIL = "wang.li@jl.chinamobile.com";
const TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAcWmN5b2xQrNl0h1S3YtZGVtby10YXNrLXRva2Vu";

/** The sample context of the Lambda Developer Guide, as middy passes it to the middleware. */
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: "contract-ops-send-bill",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:contract-ops-send-bill",
  memoryLimitInMB: "256",
  awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
  logGroupName: "/aws/lambda/contract-ops-send-bill",
  logStreamName: "2016/09/14/[$LATEST]1234567890abcdef",
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

let lines: string[] = [];

beforeEach(() => {
  lines = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, "write").mockImplementation((chunk: unknown) => {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      return true;
    });
  }
  vi.stubEnv("CONTRACT_OPS_LOG_LEVEL", "info");
  vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "false");
  vi.resetModules();
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const jsonLines = () => lines.map((line) => z.record(z.string(), z.unknown()).parse(JSON.parse(line)));

describe("handler logs (Powertools Logger with core/mask.ts)", () => {
  it("every line is JSON with the Lambda context and the contract and period it is about", async () => {
    const { lambdaHandler } = await import("../../functions/handler-kit");
    const { logger } = await import("../../functions/adapters/logger");
    const handler = lambdaHandler(
      "probe",
      z.object({ contractId: z.string(), period: z.string() }),
      async () => {
        logger.info("statement rendered");
        return {};
      },
    );
    await handler({ contractId: "jl-ybj-2026", period: "2026-03" }, context);
    const logged = jsonLines().find((line) => line.message === "statement rendered");
    expect(logged).toMatchObject({
      level: "INFO",
      service: "contract-ops",
      contractId: "jl-ybj-2026",
      period: "2026-03",
      function_name: "contract-ops-send-bill",
      function_request_id: "c6af9ac6-7b61-11e6-9a41-93e812345678",
      function_arn: "arn:aws:lambda:us-east-1:123456789012:function:contract-ops-send-bill",
      function_memory_size: "256",
      cold_start: expect.any(Boolean),
    });
  });

  it("a phone number, an email address and a task token in the input never reach a log line in full", async () => {
    const { lambdaHandler } = await import("../../functions/handler-kit");
    const { logger } = await import("../../functions/adapters/logger");
    const input = z.object({
      contractId: z.string(),
      period: z.string(),
      callingNumber: z.string(),
      taskToken: z.string(),
    });
    const handler = lambdaHandler("probe", input, async (event) => {
      logger.info("Party B's contact reached", {
        callingNumber: event.callingNumber,
        contact: { email: EMAIL },
        taskToken: event.taskToken,
        note: `called ${event.callingNumber}, then wrote to ${EMAIL}`,
      });
      throw new Error(`SES refused ${EMAIL} for ${event.callingNumber}`);
    });
    await expect(
      handler(
        { contractId: "jl-ybj-2026", period: "2026-03", callingNumber: PHONE, taskToken: TOKEN },
        context,
      ),
    ).rejects.toThrow("SES refused");
    const text = lines.join("\n");
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(text).not.toContain(PHONE);
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain(TOKEN);
    const reached = jsonLines().find((line) => line.message === "Party B's contact reached");
    // Hand-written masks (architecture §8): 3 + 4 digits of a phone, the first letter and the domain of
    // an email, the first 6 characters of a token.
    expect(reached).toMatchObject({
      callingNumber: "132****4644",
      contact: { email: "w***@jl.chinamobile.com" },
      taskToken: "AQCEAA…",
      note: "called 132****4644, then wrote to w***@jl.chinamobile.com",
    });
    const failed = jsonLines().find((line) => line.message === "probe failed");
    expect(failed).toMatchObject({ level: "ERROR", contractId: "jl-ybj-2026", period: "2026-03" });
    expect(JSON.stringify(failed)).toContain("SES refused w***@jl.chinamobile.com for 132****4644");
  });
});

/** The EMF root node (EMF specification): `_aws` metadata, and each metric and dimension as a root member. */
const emfLine = z.object({
  _aws: z.object({
    Timestamp: z.number().int().positive(),
    CloudWatchMetrics: z
      .array(
        z.object({
          Namespace: z.string().min(1),
          Dimensions: z.array(z.array(z.string())),
          Metrics: z.array(z.object({ Name: z.string(), Unit: z.string().optional() })),
        }),
      )
      .length(1),
  }),
});

describe("metrics (Powertools Metrics, Embedded Metric Format)", () => {
  it("a bill counted in a handler is published when it returns, in the namespace ContractOps", async () => {
    const { lambdaHandler } = await import("../../functions/handler-kit");
    const { countMetric } = await import("../../functions/adapters/metrics");
    const handler = lambdaHandler("probe", z.object({}), async () => {
      countMetric("BillsSent");
      return {};
    });
    await handler({}, context);
    const emf = jsonLines().filter((line) => "_aws" in line);
    expect(emf).toHaveLength(1);
    const [line] = emf;
    const { CloudWatchMetrics } = emfLine.parse(line)._aws;
    expect(CloudWatchMetrics[0]).toEqual({
      Namespace: "ContractOps",
      Dimensions: [["service"]],
      Metrics: [{ Name: "BillsSent", Unit: "Count" }],
    });
    expect(line).toMatchObject({ service: "contract-ops", BillsSent: 1 });
  });

  it("a breach is published at once with the rule it breaks as a dimension, as the breach alarm selects it", async () => {
    const { countBreach } = await import("../../functions/adapters/metrics");
    countBreach("R-PAY-1");
    const [line] = jsonLines().filter((candidate) => "_aws" in candidate);
    const { CloudWatchMetrics } = emfLine.parse(line)._aws;
    expect(CloudWatchMetrics[0]?.Namespace).toBe("ContractOps");
    expect(CloudWatchMetrics[0]?.Metrics).toEqual([{ Name: "Breaches", Unit: "Count" }]);
    expect(CloudWatchMetrics[0]?.Dimensions).toEqual([["service", "Rule"]]);
    expect(line).toMatchObject({ service: "contract-ops", Rule: "R-PAY-1", Breaches: 1 });
  });

  it("an invocation that counted nothing writes no metric line", async () => {
    const { lambdaHandler } = await import("../../functions/handler-kit");
    await lambdaHandler("probe", z.object({}), async () => ({}))({}, context);
    expect(jsonLines().filter((line) => "_aws" in line)).toEqual([]);
  });
});

const awsSample: unknown = JSON.parse(
  readFileSync(new URL("../fixtures/ses/lambda-action-event.json", import.meta.url), "utf8"),
);

describe("the inbound event (Powertools Parser SES schema)", () => {
  it("accepts the SES Developer Guide's sample Lambda-action event", async () => {
    const { sesInboundEvent } = await import("../../functions/adapters/ses-event");
    const parsed = sesInboundEvent.parse(awsSample);
    expect(parsed.Records[0]?.ses.mail.messageId).toBe(
      "EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000",
    );
    expect(parsed.Records[0]?.ses.receipt.dmarcVerdict.status).toBe("GRAY");
  });

  it("is relaxed only where Powertools' schema refuses that sample: the absent dmarcPolicy", async () => {
    const { SesSchema } = await import("@aws-lambda-powertools/parser/schemas/ses");
    const refused = SesSchema.safeParse(awsSample);
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((issue) => issue.path.join("."))).toEqual([
      "Records.0.ses.receipt.dmarcPolicy",
    ]);
  });

  it.each([
    [
      "an SNS notification instead of the Lambda action's record",
      (e: Sample) => (e.Records[0].eventSource = "aws:sns"),
    ],
    ["a receipt without the SPF verdict", (e: Sample) => delete e.Records[0].ses.receipt.spfVerdict],
    [
      "an unknown verdict status",
      (e: Sample) => (e.Records[0].ses.receipt.virusVerdict = { status: "MAYBE" }),
    ],
    ["no records", (e: Sample) => (e.Records = [])],
  ])("the inbound handler refuses %s before touching anything", async (_, spoil) => {
    const { handler } = await import("../../functions/inbound-reply/handler");
    const event = structuredClone(awsSample) as Sample;
    spoil(event);
    await expect(handler(event, context)).rejects.toMatchObject({ name: "InvalidEventError" });
  });
});

// biome-ignore lint/suspicious/noExplicitAny: a deliberately spoiled copy of the sample event
type Sample = any;
