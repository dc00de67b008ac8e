/**
 * MonthlyKickoff at scale on the embedded stack (ADR 0051): the real list and start handlers, the manifest
 * in s3rver, the Distributed Map of the synthesized template with its batches as child executions. One
 * batch fails every attempt (its Lambda crashes): the other contracts still get their cycles, the Map Run
 * counts the failed items, and the kickoff fails so its alarm fires (R-BILL-1).
 */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it } from "vitest";
import { awsConfig, s3Client } from "../../functions/adapters/aws-config";
import { registerContract } from "../../functions/adapters/repository";
import { loadContract } from "../../functions/core/contract";
import { type EmbeddedApp, startEmbeddedApp } from "../../infra/local/app";
import { START_CYCLES_LABEL } from "../../workflows/monthly-kickoff";
import { runUntil, SAMPLE_CONTRACT, uploadSmallMonth } from "./harness";

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/** Eleven contracts: the sample and ten more with their own numbers (sorted after the sample's). */
const CONTRACT_IDS = Array.from({ length: 11 }, (_, i) => `KICKOFF${String(i + 1).padStart(4, "0")}`);
/** Listed last (the listing is in contract-number order), so it is alone in the second batch of ten. */
const FAILING = "KICKOFF0011";

describe("MonthlyKickoff as a Distributed Map on the embedded stack", () => {
  it("R-BILL-1: eleven contracts in batches of ten; the batch that keeps crashing is reported and the rest are started", async () => {
    app = await startEmbeddedApp({
      start: new Date("2025-10-01T01:00:00+08:00"),
      schedule: false,
      wrapLambda: (invoke) => async (functionArn, payload, context) => {
        const contracts = (payload as { contracts?: Array<{ contractId: string }> }).contracts;
        if (
          functionArn.endsWith(":ContractOps-start-monthly-cycle") &&
          contracts?.some((c) => c.contractId === FAILING)
        ) {
          const crash = new Error("Runtime exited with error: signal: killed");
          crash.name = "Runtime.ExitError";
          throw crash;
        }
        return invoke(functionArn, payload, context);
      },
    });
    const sample = await loadContract(SAMPLE_CONTRACT);
    for (const contractId of CONTRACT_IDS) {
      const contract = { ...sample, contractId };
      await registerContract(contract);
      await uploadSmallMonth(contract, "2025-09");
    }

    const kickoff = await app.stepFunctions.startExecution({
      stateMachineArn: app.stateMachineArns.monthlyKickoff,
      name: "schedule-2025-10",
      input: JSON.stringify({ scheduledTime: "2025-09-30T17:00:00Z" }),
    });
    await runUntil(app, "2025-10-01T01:30:00+08:00");

    // The manifest: one JSON line per contract, read by the Map's ItemReader.
    const manifest = await s3Client().send(
      new GetObjectCommand({ Bucket: awsConfig().usageBucket, Key: "kickoff/schedule-2025-10.jsonl" }),
    );
    const lines = (await manifest.Body?.transformToString())?.trim().split("\n") ?? [];
    expect(lines.map((line) => JSON.parse(line))).toEqual(CONTRACT_IDS.map((contractId) => ({ contractId })));

    const cycles = await app.stepFunctions.listExecutions({
      stateMachineArn: app.stateMachineArns.monthlyCycle,
      maxResults: 100,
    });
    expect(cycles.executions.map((e) => e.name).sort()).toEqual(
      CONTRACT_IDS.filter((id) => id !== FAILING).map((id) => `${id}-2025-09`),
    );

    const described = await app.stepFunctions.describeExecution({ executionArn: kickoff.executionArn });
    expect(described.status).toBe("FAILED");
    expect(described.error).toBe("ContractOps.CyclesNotStarted");
    expect(described.cause).toMatch(/^1 of 11 contracts have no MonthlyCycle for 2025-09: /);

    const { mapRuns } = await app.stepFunctions.listMapRuns({ executionArn: kickoff.executionArn });
    expect(mapRuns).toHaveLength(1);
    const mapRun = await app.stepFunctions.describeMapRun({ mapRunArn: mapRuns[0]?.mapRunArn ?? "" });
    expect(mapRun.status).toBe("SUCCEEDED");
    expect(mapRun.toleratedFailurePercentage).toBe(50);
    expect(mapRun.itemCounts).toMatchObject({ total: 11, succeeded: 10, failed: 1 });
    expect(mapRun.executionCounts).toMatchObject({ total: 2, succeeded: 1, failed: 1 });

    // The failed child execution carries the batch, i.e. the contract an operator has to look at.
    // Child executions belong to the state machine `<parent>/<label>` (Distributed Map, developer guide).
    const children = await app.stepFunctions.listExecutions({
      stateMachineArn: `${app.stateMachineArns.monthlyKickoff}/${START_CYCLES_LABEL}`,
      statusFilter: "FAILED",
    });
    expect(children.executions).toHaveLength(1);
    const child = await app.stepFunctions.describeExecution({
      executionArn: children.executions[0]?.executionArn ?? "",
    });
    expect(JSON.parse(child.input ?? "null")).toEqual({
      Items: [{ contractId: FAILING }],
      BatchInput: { period: "2025-09" },
    });
  });
});
