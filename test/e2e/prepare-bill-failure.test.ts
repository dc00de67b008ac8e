/**
 * "Rate usage and prepare the bill" failing after its retries (architecture §4): the MonthlyCycle records the
 * failure, tells Party B's contact by email (admins get the MonthlyCycle ExecutionsFailed alarm) and ends
 * FAILED on the step's own error; no bill goes to Party A. A redrive (developer guide, "Redriving executions":
 * it continues from the unsuccessful step) prepares and sends the bill once the cause is fixed.
 * The usage file here cannot be read: its object metadata names an encoding docs/usage-csv.md does not allow.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it } from "vitest";
import { awsConfig, s3Client } from "../../functions/adapters/aws-config";
import { auditHistory, findCycle, getCycle } from "../../functions/adapters/repository";
import { formatFen } from "../../functions/core/money";
import type { EmbeddedApp } from "../../infra/local/app";
import {
  bootApp,
  emailsTo,
  executionStatus,
  PARTY_A,
  PARTY_B,
  runUntil,
  SMALL_MONTH_TOTAL,
  startCycle,
  statesEntered,
  uploadSmallMonth,
} from "./harness";

const PERIOD = "2025-09";

let app: EmbeddedApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe("prepare-bill fails after its retries", () => {
  it("records it, emails Party B's contact once, ends the cycle FAILED on the step's error; a redrive after the fix sends the bill", async () => {
    const booted = await bootApp("2025-10-01T01:00:00+08:00");
    app = booted.app;
    const { contractId } = booted.contract;
    await s3Client().send(
      new PutObjectCommand({
        Bucket: awsConfig().usageBucket,
        Key: `usage/${contractId}/${PERIOD}/voice.csv`,
        Body: "call_start,duration_seconds,direction,calling_number,called_number\n",
        Metadata: { encoding: "ebcdic" },
      }),
    );
    // The SMS log is there (empty), so the bill is not held for it (ADR 0044) and the unreadable voice file fails it.
    await s3Client().send(
      new PutObjectCommand({
        Bucket: awsConfig().usageBucket,
        Key: `usage/${contractId}/${PERIOD}/sms.csv`,
        Body: "sent_at,recipient,direction,content,content_chars\n",
      }),
    );
    const executionArn = await startCycle(app, contractId, PERIOD);
    await runUntil(app, "2025-10-01T03:00:00+08:00");

    expect(await executionStatus(app, executionArn)).toBe("FAILED");
    expect(await statesEntered(app, executionArn)).toEqual([
      "Rate usage and prepare the bill",
      "Tell Party B the bill could not be prepared",
      "Prepare the bill once the cause is fixed",
    ]);
    const described = await app.stepFunctions.describeExecution({ executionArn });
    expect(described.error).toBe("UsageFileError");
    expect(described.cause).toContain(
      `usage file usage/${contractId}/${PERIOD}/voice.csv has object metadata encoding`,
    );

    const warnings = (await emailsTo(app, PARTY_B)).filter((e) => e.subject.includes("账单未能生成"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.text).toContain("UsageFileError");
    expect(await emailsTo(app, PARTY_A)).toHaveLength(0);
    expect(await findCycle(contractId, PERIOD)).toBeUndefined();
    const events = await auditHistory(contractId);
    expect(events.filter((e) => e.what.startsWith("bill not prepared"))).toHaveLength(1);

    // Party B uploads the file again, readable; the operator redrives the execution.
    await uploadSmallMonth(booted.contract, PERIOD);
    await app.stepFunctions.redriveExecution({ executionArn });
    await runUntil(app, "2025-10-01T04:00:00+08:00");
    expect(await executionStatus(app, executionArn)).toBe("RUNNING");
    expect(formatFen((await getCycle(contractId, PERIOD)).billTotalFen)).toBe(SMALL_MONTH_TOTAL);
    expect(await emailsTo(app, PARTY_A)).toHaveLength(1);
  });
});
