/**
 * What the handlers write for CloudWatch, as the embedded stack keeps it per invocation (ADR 0092): the
 * Powertools Logger's JSON lines with the Lambda context and the correlation keys, the EMF metric line in the
 * same invocation's stream, and no personal data in full in any line (ADR 0045).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as z from "zod";
import { bootApp, PARTY_A, runUntil, startCycle, uploadSmallMonth } from "./harness";

// Before the harness imports the metrics module, which reads the switch once.
vi.hoisted(() => vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "false"));

const PERIOD = "2025-09";
let booted: Awaited<ReturnType<typeof bootApp>>;

const filtered = z.object({
  events: z.array(z.object({ logStreamName: z.string(), timestamp: z.number(), message: z.string() })),
});
const groups = z.object({ logGroups: z.array(z.object({ logGroupName: z.string() })) });

async function eventsOf(logGroupName: string) {
  return filtered.parse(await booted.app.stack.lambdaLogs.answer("FilterLogEvents", { logGroupName })).events;
}

beforeAll(async () => {
  vi.stubEnv("CONTRACT_OPS_LOG_LEVEL", "info");
  booted = await bootApp("2025-10-01T01:00:00+08:00");
  await uploadSmallMonth(booted.contract, PERIOD);
  await startCycle(booted.app, booted.contract.contractId, PERIOD);
  await runUntil(booted.app, "2025-10-01T02:00:00+08:00");
});

afterAll(async () => {
  await booted.app.stop();
  vi.unstubAllEnvs();
});

const jsonLine = z.looseObject({ message: z.string().optional() });

describe("handler log lines on the embedded stack", () => {
  it("send-bill's Powertools line carries the Lambda context and the contract and period, its metric beside it", async () => {
    const events = await eventsOf("/aws/lambda/ContractOps-send-bill");
    const sentEvent = events.find((event) => event.message.includes('"message":"email sent"'));
    expect(sentEvent).toBeDefined();
    const sent = jsonLine.parse(JSON.parse(sentEvent?.message ?? "{}"));
    expect(sent).toMatchObject({
      level: "INFO",
      service: "contract-ops",
      function_name: "ContractOps-send-bill",
      contractId: booted.contract.contractId,
      period: PERIOD,
    });
    const stream = events.filter((event) => event.logStreamName === sentEvent?.logStreamName);
    expect(stream[0]?.message).toBe(`START RequestId: ${String(sent.function_request_id)} Version: $LATEST`);
    expect(stream.some((event) => event.message.includes('"BillsSent":1'))).toBe(true);
  });

  it("shows Party A's email address in full in no line of any function", async () => {
    const { logGroups } = groups.parse(
      await booted.app.stack.lambdaLogs.answer("DescribeLogGroups", { logGroupNamePrefix: "/aws/lambda/" }),
    );
    expect(logGroups.length).toBeGreaterThan(1);
    const lines = (await Promise.all(logGroups.map((group) => eventsOf(group.logGroupName)))).flat();
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.map((event) => event.message).join("\n")).not.toContain(PARTY_A);
  });
});
