/**
 * The embedded stack keeps each Lambda invocation's log lines as CloudWatch Logs would (timestamp, request id,
 * level, the line), found by the execution and Task state that invoked the function — what the console shows
 * per task. The lines are the Powertools Logger's and Metrics' JSON, with the correlation keys and no
 * personal data in full (ADR 0045).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as z from "zod";
import type { LambdaInvocationLog } from "../../infra/local/sfn";
import { bootApp, PARTY_A, runUntil, startCycle, uploadSmallMonth } from "./harness";

// Before the harness imports the metrics module, which reads the switch once.
vi.hoisted(() => vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "false"));

const PERIOD = "2025-09";
let booted: Awaited<ReturnType<typeof bootApp>>;
let invocations: LambdaInvocationLog[];

beforeAll(async () => {
  vi.stubEnv("CONTRACT_OPS_LOG_LEVEL", "info");
  booted = await bootApp("2025-10-01T01:00:00+08:00");
  await uploadSmallMonth(booted.contract, PERIOD);
  const executionArn = await startCycle(booted.app, booted.contract.contractId, PERIOD);
  await runUntil(booted.app, "2025-10-01T02:00:00+08:00");
  invocations = booted.app.lambdaLogs.forExecution(executionArn);
});

afterAll(async () => {
  await booted.app.stop();
  vi.unstubAllEnvs();
});

const line = z.looseObject({ level: z.string().optional(), message: z.string().optional() });

describe("Lambda log lines per task on the embedded stack", () => {
  it("keeps the lines of the send-bill invocation under its Task state, with its request id", () => {
    const sendBill = invocations.find((log) => log.stateName === "Send the bill to Party A");
    expect(sendBill?.functionName).toMatch(/send-bill/);
    const lines = sendBill?.lines ?? [];
    expect(lines.length).toBeGreaterThan(0);
    for (const logged of lines) {
      expect(logged.requestId).toBe(sendBill?.requestId);
      // The stack's clock: the bill went out at 01:00 Asia/Shanghai on 1 October.
      expect(logged.timestamp.startsWith("2025-09-30T17:")).toBe(true);
      expect(() => JSON.parse(logged.message)).not.toThrow();
    }
    const sent = lines
      .map((logged) => line.parse(JSON.parse(logged.message)))
      .find((l) => l.message === "email sent");
    expect(sent).toMatchObject({
      level: "INFO",
      contractId: booted.contract.contractId,
      period: PERIOD,
      function_request_id: sendBill?.requestId,
    });
    expect(lines.find((logged) => logged.message.includes('"BillsSent":1'))?.level).toBe("INFO");
  });

  it("shows no email address of Party A in full in any line of the execution", () => {
    const all = invocations.flatMap((log) => log.lines.map((logged) => logged.message)).join("\n");
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(PARTY_A);
  });
});
