/**
 * Safe to run twice (architecture.md; ADR 0012): a duplicate schedule delivery starts one MonthlyCycle, and the
 * send-bill handler retried after a crash between its write and its send sends one email, one bill.
 */
import { afterEach, describe, expect, it } from "vitest";
import { resetAwsClients } from "../../functions/adapters/aws-config";
import { getCycle } from "../../functions/adapters/repository";
import { handler as prepareBillHandler } from "../../functions/prepare-bill/handler";
import { handler as sendBillHandler } from "../../functions/send-bill/handler";
import type { EmbeddedApp } from "../../infra/local/app";
import {
  bootApp,
  emailsTo,
  PARTY_A,
  runUntil,
  SMALL_MONTH_TOTAL,
  statesEntered,
  uploadSmallMonth,
} from "./harness";

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const lambdaContext = (name: string) =>
  ({
    functionName: name,
    awsRequestId: `${name}-test`,
    getRemainingTimeInMillis: () => 60_000,
  }) as unknown as Parameters<typeof sendBillHandler>[1];

describe("idempotency on the embedded stack", () => {
  it("a duplicate delivery of the monthly schedule starts one MonthlyCycle per contract and period", async () => {
    const booted = await bootApp("2025-10-01T01:00:00+08:00");
    app = booted.app;
    await uploadSmallMonth(booted.contract, "2025-09");
    const first = await app.stepFunctions.startExecution({
      stateMachineArn: app.stateMachineArns.monthlyKickoff,
      name: "schedule-delivery-1",
      input: "{}",
    });
    const second = await app.stepFunctions.startExecution({
      stateMachineArn: app.stateMachineArns.monthlyKickoff,
      name: "schedule-delivery-2",
      input: "{}",
    });
    await runUntil(app, "2025-10-01T02:00:00+08:00");
    const cycles = await app.stepFunctions.listExecutions({
      stateMachineArn: app.stateMachineArns.monthlyCycle,
    });
    expect(cycles.executions.map((e) => e.name)).toEqual([`${booted.contract.contractId}-2025-09`]);
    // Both asked for the same execution name; StartExecution with the same name and input while it runs
    // returns that execution (AWS StartExecution idempotency), so there is still exactly one.
    const outputs: Array<{ contracts: number; started: number }> = [];
    for (const kickoff of [first, second]) {
      const described = await app.stepFunctions.describeExecution({ executionArn: kickoff.executionArn });
      expect(described.status).toBe("SUCCEEDED");
      outputs.push(JSON.parse(described.output ?? "null"));
    }
    expect(outputs.map((o) => [o.contracts, o.started])).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(await statesEntered(app, first.executionArn)).toContain("Start each contract's monthly cycle");
    expect(await emailsTo(app, PARTY_A)).toHaveLength(1);
  });

  it("send-bill retried after a crash between its write and its send: one bill, one email (R-BILL-1)", async () => {
    const booted = await bootApp("2025-10-01T01:00:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    await uploadSmallMonth(booted.contract, "2025-09");
    const event = { contractId, period: "2025-09" };
    const prepared = await prepareBillHandler(event, lambdaContext("prepare-bill"));
    const preparedAgain = await prepareBillHandler(event, lambdaContext("prepare-bill"));
    expect(preparedAgain).toEqual(prepared);
    expect(prepared).toMatchObject({ held: false, billTotal: SMALL_MONTH_TOTAL });

    const sesEndpoint = process.env.CONTRACT_OPS_SES_ENDPOINT as string;
    process.env.CONTRACT_OPS_SES_ENDPOINT = "http://127.0.0.1:9"; // nothing listens: the send fails after the write
    resetAwsClients();
    await expect(sendBillHandler(event, lambdaContext("send-bill"))).rejects.toThrow();
    const afterCrash = await getCycle(contractId, "2025-09");
    expect(afterCrash.sentAt).toBeTruthy();
    expect(await emailsTo(app, PARTY_A)).toHaveLength(0);

    process.env.CONTRACT_OPS_SES_ENDPOINT = sesEndpoint;
    resetAwsClients();
    const retried = await sendBillHandler(event, lambdaContext("send-bill"));
    const retriedAgain = await sendBillHandler(event, lambdaContext("send-bill"));
    expect(retried.sentAt).toBe(afterCrash.sentAt);
    expect(retriedAgain).toEqual(retried);
    const statements = await emailsTo(app, PARTY_A);
    expect(statements).toHaveLength(1);
    expect(statements[0]?.replyTo[0]).toContain(afterCrash.replyKey as string);
  });
});
